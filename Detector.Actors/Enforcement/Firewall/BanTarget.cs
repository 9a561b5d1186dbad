using System.Net;
using Detector.Ingest;
using Detector.Domain;

namespace Detector.Enforcement.Firewall;

/// <summary>
/// What the kernel blocks for a banned IP: the address itself, or for IPv6 with a configured prefix length below
/// 128 its network (several banned IPs of one /64 share one target). Rendered for commands from a parsed
/// <see cref="IpKey"/>, never from log text.
/// </summary>
public readonly record struct BanTarget(IpKey Network, int PrefixLength) : IComparable<BanTarget>
{
    public bool IsV4 => Network.IsV4;

    public bool IsHost => PrefixLength == (IsV4 ? 32 : 128);

    public static BanTarget For(IpKey ip, int ipv6PrefixLength = 128)
    {
        if (ip.IsV4 || ipv6PrefixLength >= 128) return new BanTarget(ip, ip.IsV4 ? 32 : 128);
        return new BanTarget(Mask(ip, ipv6PrefixLength), ipv6PrefixLength);
    }

    /// <summary>The network of <paramref name="prefixLength"/> (in the address's own family: 24 for an IPv4 /24) that
    /// holds <paramref name="ip"/>.</summary>
    public static BanTarget Range(IpKey ip, int prefixLength)
    {
        var max = ip.IsV4 ? 32 : 128;
        var prefix = Math.Clamp(prefixLength, 0, max);
        return new BanTarget(Mask(ip, ip.IsV4 ? prefix + 96 : prefix), prefix);
    }

    /// <summary>The same block in <see cref="IpKey"/>'s 128-bit space, for exemption checks.</summary>
    public Cidr ToBlock() => new(Network, IsV4 ? PrefixLength + 96 : PrefixLength);

    public bool Contains(IpKey ip) => ToBlock().Contains(ip);

    /// <summary>"203.0.113.9", "2001:db8::1", or "2001:db8::/64".</summary>
    public override string ToString() => IsHost ? Network.ToString() : $"{Network}/{PrefixLength}";

    /// <summary>With an explicit prefix even for a host: "203.0.113.9/32" (how iptables-save prints sources).</summary>
    public string ToCidr() => $"{Network}/{PrefixLength}";

    /// <summary>A range as an operator types it ("2001:db8::/64", "203.0.113.0/24"): the address as strictly as
    /// <see cref="IpKey.TryParseStrict"/> reads one, a decimal prefix length within the family's; host bits are
    /// cleared. A bare address is not a range.</summary>
    public static bool TryParseRange(string? text, out BanTarget range)
    {
        range = default;
        var slash = text?.IndexOf('/') ?? -1;
        if (slash < 0 || !IpKey.TryParseStrict(text![..slash], out var ip)) return false;
        var digits = text.AsSpan(slash + 1);
        if (digits.Length is 0 or > 3 || !int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var prefix)
            || prefix > (ip.IsV4 ? 32 : 128))
            return false;
        range = Range(ip, prefix);
        return true;
    }

    /// <summary>Reads what a firewall tool printed: an address, or address/prefix.</summary>
    public static bool TryParse(string text, out BanTarget target)
    {
        target = default;
        var slash = text.IndexOf('/');
        var address = slash < 0 ? text : text[..slash];
        if (!IpKey.TryParse(address.AsSpan(), out var ip)) return false;
        var max = ip.IsV4 ? 32 : 128;
        var prefix = max;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), out prefix) || prefix < 0 || prefix > max)) return false;
        target = new BanTarget(Mask(ip, ip.IsV4 ? prefix + 96 : prefix), prefix);
        return true;
    }

    public int CompareTo(BanTarget other)
    {
        var c = Network.CompareTo(other.Network);
        return c != 0 ? c : PrefixLength.CompareTo(other.PrefixLength);
    }

    private static IpKey Mask(IpKey ip, int prefix128)
    {
        if (prefix128 >= 128) return ip;
        if (prefix128 <= 0) return new IpKey(0, 0);
        return prefix128 <= 64
            ? new IpKey(ip.High & (ulong.MaxValue << (64 - prefix128)), 0)
            : new IpKey(ip.High, ip.Low & (ulong.MaxValue << (128 - prefix128)));
    }
}
