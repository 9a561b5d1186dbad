using Detector.Domain;
namespace Detector.Ingest.Parsing;

/// <summary>
/// Parses the logged client address into an <see cref="IpKey"/> without allocating (IPAddress would,
/// on every line). Accepts what Nginx writes for <c>$remote_addr</c>: dotted-quad IPv4 and IPv6 text
/// forms, including <c>::</c> compression and an embedded IPv4 tail (<c>::ffff:1.2.3.4</c>, which
/// becomes the same key as <c>1.2.3.4</c>). Stricter than IPAddress on purpose: no zone ids, brackets,
/// ports, or the shorthand and octal IPv4 forms ("10.1", "010.0.0.1") that name a different address
/// than the one a reader sees.
/// </summary>
internal static class ClientAddress
{
    public static bool TryParse(ReadOnlySpan<byte> text, out IpKey key)
    {
        key = default;
        if (text.Contains((byte)':'))
        {
            if (!TryParseV6(text, out var high, out var low)) return false;
            key = new IpKey(high, low);
            return true;
        }
        if (!TryParseDottedQuad(text, out var address)) return false;
        key = IpKey.FromV4(address);
        return true;
    }

    private static bool TryParseDottedQuad(ReadOnlySpan<byte> text, out uint address)
    {
        address = 0;
        var i = 0;
        for (var octets = 1; ; octets++)
        {
            var start = i;
            uint octet = 0;
            while (i < text.Length && (uint)(text[i] - '0') <= 9 && i - start < 3)
            {
                octet = octet * 10 + (uint)(text[i] - '0');
                i++;
            }
            var digits = i - start;
            if (digits == 0 || octet > 255 || (digits > 1 && text[start] == '0')) return false;
            address = (address << 8) | octet;
            if (octets == 4) return i == text.Length;
            if (i >= text.Length || text[i] != '.') return false;
            i++;
        }
    }

    private static bool TryParseV6(ReadOnlySpan<byte> text, out ulong high, out ulong low)
    {
        high = low = 0;
        if (text.Length is < 2 or > 45) return false;
        Span<ushort> groups = stackalloc ushort[8];
        var count = 0;
        var gap = -1; // index in groups where "::" stands
        var i = 0;
        if (text[0] == ':')
        {
            if (text[1] != ':') return false;
            gap = 0;
            i = 2;
        }

        while (i < text.Length)
        {
            var start = i;
            var value = 0;
            while (i < text.Length && HexValue(text[i]) is var h and >= 0)
            {
                if (i - start == 4) return false;
                value = value * 16 + h;
                i++;
            }
            if (i < text.Length && text[i] == '.')
            {
                // Embedded IPv4 fills the last two groups and must end the text.
                if (count > 6 || !TryParseDottedQuad(text[start..], out var v4)) return false;
                groups[count++] = (ushort)(v4 >> 16);
                groups[count++] = (ushort)v4;
                break;
            }
            if (i == start || count == 8) return false;
            groups[count++] = (ushort)value;
            if (i == text.Length) break;
            if (text[i] != ':' || ++i == text.Length) return false;
            if (text[i] == ':')
            {
                if (gap >= 0) return false;
                gap = count;
                i++;
            }
        }

        if (gap < 0 ? count != 8 : count > 7) return false;
        Span<ushort> full = stackalloc ushort[8];
        full.Clear();
        if (gap < 0)
        {
            groups.CopyTo(full);
        }
        else
        {
            groups[..gap].CopyTo(full);
            groups[gap..count].CopyTo(full[(8 - (count - gap))..]);
        }
        for (var g = 0; g < 4; g++) high = (high << 16) | full[g];
        for (var g = 4; g < 8; g++) low = (low << 16) | full[g];
        return true;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
