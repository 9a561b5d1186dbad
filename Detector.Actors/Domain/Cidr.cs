using System.Globalization;
using System.Net;

namespace Detector.Domain;

/// <summary>
/// An address block in the 128-bit space of <see cref="IpKey"/>. IPv4 blocks live in the IPv4-mapped range
/// (a.b.c.d/n is ::ffff:a.b.c.d/(96+n)), so an IPv4 client matches whichever notation Nginx logged it in.
/// </summary>
public readonly record struct Cidr(IpKey Network, int PrefixLength)
{
    private const int MappedPrefix = 96;

    public static Cidr Loopback4 { get; } = Parse("127.0.0.0/8");
    public static Cidr Loopback6 { get; } = Parse("::1/128");
    /// <summary>"This network" (RFC 1122): 0.0.0.0 and the block it heads are never a client's source.</summary>
    public static Cidr Unspecified4 { get; } = Parse("0.0.0.0/8");
    public static Cidr Unspecified6 { get; } = Parse("::/128");
    /// <summary>The IPv4 limited broadcast address.</summary>
    public static Cidr Broadcast4 { get; } = Parse("255.255.255.255/32");
    public static Cidr Multicast4 { get; } = Parse("224.0.0.0/4");
    public static Cidr Multicast6 { get; } = Parse("ff00::/8");

    /// <summary>True when the blocks share at least one address (one contains the other's network).</summary>
    public bool Overlaps(Cidr other) =>
        PrefixLength <= other.PrefixLength ? Contains(other.Network) : other.Contains(Network);

    public bool Contains(IpKey ip)
    {
        var (maskHigh, maskLow) = Mask(PrefixLength);
        return (ip.High & maskHigh) == Network.High && (ip.Low & maskLow) == Network.Low;
    }

    /// <summary>"10.0.0.0/8", "2001:db8::/32", or a bare address (one host). Host bits are cleared.</summary>
    public static bool TryParse(string? text, out Cidr cidr, out string error)
    {
        cidr = default;
        var trimmed = text?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            error = "empty; give an address or a block such as 10.0.0.0/8 or 2001:db8::/32";
            return false;
        }

        var slash = trimmed.IndexOf('/');
        var addressText = slash < 0 ? trimmed : trimmed[..slash];
        if (!IPAddress.TryParse(addressText, out var address) || addressText.Contains('%'))
        {
            error = $"'{addressText}' is not an IP address";
            return false;
        }
        var isV4 = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork;
        var maxPrefix = isV4 ? 32 : 128;

        var prefix = maxPrefix;
        if (slash >= 0 && (!int.TryParse(trimmed.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > maxPrefix))
        {
            error = $"prefix length '{trimmed[(slash + 1)..]}' must be a number from 0 to {maxPrefix}";
            return false;
        }

        var fullPrefix = isV4 ? MappedPrefix + prefix : prefix;
        var key = IpKey.FromAddress(address);
        var (maskHigh, maskLow) = Mask(fullPrefix);
        cidr = new Cidr(new IpKey(key.High & maskHigh, key.Low & maskLow), fullPrefix);
        error = "";
        return true;
    }

    public static Cidr Parse(string text) =>
        TryParse(text, out var cidr, out var error) ? cidr : throw new FormatException($"'{text}' is not a CIDR block: {error}.");

    /// <summary>IPv4 blocks print as IPv4 ("10.0.0.0/8"), everything else as IPv6.</summary>
    public override string ToString() =>
        Network.IsV4 && PrefixLength >= MappedPrefix
            ? $"{Network}/{PrefixLength - MappedPrefix}"
            : $"{Network.ToAddress().MapToIPv6()}/{PrefixLength}";

    private static (ulong High, ulong Low) Mask(int prefix) => prefix switch
    {
        0 => (0, 0),
        < 64 => (ulong.MaxValue << (64 - prefix), 0),
        64 => (ulong.MaxValue, 0),
        < 128 => (ulong.MaxValue, ulong.MaxValue << (128 - prefix)),
        _ => (ulong.MaxValue, ulong.MaxValue),
    };
}
