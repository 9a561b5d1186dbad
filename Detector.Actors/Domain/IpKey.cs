using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Detector.Domain;

/// <summary>
/// A client address as a 128-bit value. IPv4 (and IPv4-mapped IPv6) is stored as ::ffff:a.b.c.d and
/// printed in dotted form, so one client has exactly one key whatever notation Nginx logged.
/// </summary>
public readonly record struct IpKey(ulong High, ulong Low) : IComparable<IpKey>
{
    private const ulong MappedPrefixLow = 0x0000_FFFF_0000_0000UL;

    public bool IsV4 => High == 0 && (Low & 0xFFFF_FFFF_0000_0000UL) == MappedPrefixLow;

    public static IpKey FromV4(uint address) => new(0, MappedPrefixLow | address);

    public static IpKey FromAddress(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> v4 = stackalloc byte[4];
            address.TryWriteBytes(v4, out _);
            return FromV4(BinaryPrimitives.ReadUInt32BigEndian(v4));
        }
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        return new IpKey(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
    }

    public static bool TryParse(ReadOnlySpan<char> text, out IpKey key)
    {
        // IPAddress.TryParse accepts scope ids and other oddities; a log field must be a bare address.
        if (text.IsEmpty || text.Length > 45 || text.IndexOfAny('%', '/') >= 0 || !IPAddress.TryParse(text, out var address))
        {
            key = default;
            return false;
        }
        key = FromAddress(address);
        return true;
    }

    public static bool TryParse(ReadOnlySpan<byte> utf8, out IpKey key)
    {
        if (utf8.Length > 45) { key = default; return false; }
        Span<char> chars = stackalloc char[utf8.Length];
        for (var i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] > 0x7F) { key = default; return false; }
            chars[i] = (char)utf8[i];
        }
        return TryParse(chars, out key);
    }

    /// <summary>
    /// An address as an operator writes it (the API and the CLI): IPv6, or IPv4 as four decimal octets without
    /// leading zeros. <see cref="TryParse(ReadOnlySpan{char}, out IpKey)"/> also takes the legacy IPv4 forms
    /// ("010.0.0.1" is octal, 8.0.0.1; "10.1" is 10.0.0.1; "1" is 0.0.0.1), which typed by a person are typos.
    /// </summary>
    public static bool TryParseStrict(string? text, out IpKey key)
    {
        key = default;
        if (string.IsNullOrEmpty(text)) return false;
        if (!text.Contains(':') && !IsDottedQuad(text)) return false;
        return TryParse(text.AsSpan(), out key);
    }

    private static bool IsDottedQuad(string text)
    {
        var octets = 0;
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && text[i] != '.') continue;
            var part = text.AsSpan(start, i - start);
            if (part.Length is 0 or > 3 || (part.Length > 1 && part[0] == '0')) return false;
            foreach (var c in part)
                if (c is < '0' or > '9') return false;
            if (int.Parse(part, System.Globalization.CultureInfo.InvariantCulture) > 255) return false;
            octets++;
            start = i + 1;
        }
        return octets == 4;
    }

    public static IpKey Parse(string text) =>
        TryParse(text.AsSpan(), out var key) ? key : throw new FormatException($"'{text}' is not an IP address");

    public IPAddress ToAddress()
    {
        if (IsV4)
        {
            Span<byte> v4 = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(v4, (uint)Low);
            return new IPAddress(v4);
        }
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, High);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], Low);
        return new IPAddress(bytes);
    }

    public override string ToString() => ToAddress().ToString();

    public int CompareTo(IpKey other)
    {
        var c = High.CompareTo(other.High);
        return c != 0 ? c : Low.CompareTo(other.Low);
    }
}
