using System.Buffers.Text;

namespace Detector.Ingest.Parsing;

/// <summary>
/// Log timestamps to Unix milliseconds (UTC), without allocating. Formats, detected from the text:
/// ISO 8601 (<c>$time_iso8601</c>: <c>2026-04-29T14:24:29+02:00</c>, optional fraction, Z or offset),
/// Nginx <c>$time_local</c> (<c>29/Apr/2026:14:24:29 +0200</c>), and epoch seconds with optional
/// fraction (<c>$msec</c>: <c>1714400669.123</c>) as a JSON number or string.
/// </summary>
internal static class Timestamps
{
    private const int MinYear = 1970, MaxYear = 9999;
    // An integer epoch this large cannot be seconds (year 5138); producers that write milliseconds get them.
    private const long EpochMillisecondsThreshold = 100_000_000_000;

    public static bool TryParse(ReadOnlySpan<byte> text, bool isJsonNumber, out long unixMs)
    {
        if (!isJsonNumber && text.Length >= 10)
        {
            if (text[4] == '-') return TryParseIso8601(text, out unixMs);
            if (text[2] == '/') return TryParseNginxLocal(text, out unixMs);
        }
        return TryParseEpochSeconds(text, isJsonNumber, out unixMs);
    }

    /// <summary><c>seconds[.fraction]</c>; the fraction is truncated to milliseconds.</summary>
    public static bool TryParseEpochSeconds(ReadOnlySpan<byte> text, bool isJsonNumber, out long unixMs)
    {
        if (TryParseDecimalSeconds(text, out unixMs)) return true;
        // JSON allows exponents (1.777472669123E9); rare enough to go through double, rounded to
        // the nearest millisecond because the binary value is never exact.
        if (isJsonNumber && Utf8Parser.TryParse(text, out double value, out var consumed, 'E') && consumed == text.Length
            && value >= 0 && value * 1000 <= MaxUnixMs)
        {
            unixMs = (long)Math.Round(value * 1000);
            return true;
        }
        unixMs = 0;
        return false;
    }

    private static bool TryParseDecimalSeconds(ReadOnlySpan<byte> text, out long unixMs)
    {
        unixMs = 0;
        var dot = text.IndexOf((byte)'.');
        var whole = dot < 0 ? text : text[..dot];
        if (Utf8Numbers.TryParseNonNegative(whole, out var seconds))
        {
            if (dot < 0)
            {
                unixMs = seconds >= EpochMillisecondsThreshold ? seconds : seconds * 1000;
                return unixMs <= MaxUnixMs;
            }
            var fraction = text[(dot + 1)..];
            if (fraction.IsEmpty || fraction.Length > 9) return false;
            long ms = 0, scale = 100;
            for (var i = 0; i < fraction.Length; i++)
            {
                var d = (uint)(fraction[i] - '0');
                if (d > 9) return false;
                if (i < 3) { ms += d * scale; scale /= 10; }
            }
            if (seconds > MaxUnixMs / 1000) return false;
            unixMs = seconds * 1000 + ms;
            return true;
        }
        return false;
    }

    private static readonly long MaxUnixMs = new DateTimeOffset(MaxYear, 12, 31, 23, 59, 59, TimeSpan.Zero).ToUnixTimeMilliseconds() + 999;

    /// <summary><c>yyyy-MM-dd[T ]HH:mm:ss[.fffffffff][Z|±HH:mm|±HHmm|±HH]</c>; no offset means UTC.</summary>
    public static bool TryParseIso8601(ReadOnlySpan<byte> s, out long unixMs)
    {
        unixMs = 0;
        if (s.Length < 19 || s[4] != '-' || s[7] != '-' || s[10] is not ((byte)'T' or (byte)'t' or (byte)' ')
            || s[13] != ':' || s[16] != ':') return false;
        if (!Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day)
            || !Digits(s, 11, 2, out var hour) || !Digits(s, 14, 2, out var minute) || !Digits(s, 17, 2, out var second))
            return false;

        var i = 19;
        var millis = 0;
        if (i < s.Length && s[i] is (byte)'.' or (byte)',')
        {
            i++;
            var start = i;
            var scale = 100;
            while (i < s.Length && (uint)(s[i] - '0') <= 9)
            {
                if (i - start < 3) { millis += (s[i] - '0') * scale; scale /= 10; }
                i++;
            }
            if (i == start || i - start > 9) return false;
        }

        var offsetMinutes = 0;
        if (i < s.Length)
        {
            var rest = s[i..];
            if (rest.Length == 1 && rest[0] is (byte)'Z' or (byte)'z') { }
            else if (!TryParseOffset(rest, allowColon: true, out offsetMinutes)) return false;
        }
        return TryCompose(year, month, day, hour, minute, second, millis, offsetMinutes, out unixMs);
    }

    /// <summary><c>dd/MMM/yyyy:HH:mm:ss ±HHmm</c> as Nginx writes <c>$time_local</c>.</summary>
    public static bool TryParseNginxLocal(ReadOnlySpan<byte> s, out long unixMs)
    {
        unixMs = 0;
        if (s.Length != 26 || s[2] != '/' || s[6] != '/' || s[11] != ':' || s[14] != ':' || s[17] != ':' || s[20] != ' ')
            return false;
        if (!Digits(s, 0, 2, out var day) || !Digits(s, 7, 4, out var year) || !Digits(s, 12, 2, out var hour)
            || !Digits(s, 15, 2, out var minute) || !Digits(s, 18, 2, out var second))
            return false;
        var month = MonthNumber(s.Slice(3, 3));
        if (month == 0 || !TryParseOffset(s[21..], allowColon: false, out var offsetMinutes)) return false;
        return TryCompose(year, month, day, hour, minute, second, 0, offsetMinutes, out unixMs);
    }

    private static bool TryParseOffset(ReadOnlySpan<byte> s, bool allowColon, out int minutes)
    {
        minutes = 0;
        if (s.Length < 3 || s[0] is not ((byte)'+' or (byte)'-') || !Digits(s, 1, 2, out var hours)) return false;
        var mm = 0;
        if (s.Length == 6 && allowColon && s[3] == ':') { if (!Digits(s, 4, 2, out mm)) return false; }
        else if (s.Length == 5) { if (!Digits(s, 3, 2, out mm)) return false; }
        else if (s.Length != 3) return false;
        if (hours > 23 || mm > 59) return false;
        minutes = (hours * 60 + mm) * (s[0] == '-' ? -1 : 1);
        return true;
    }

    private static bool TryCompose(int year, int month, int day, int hour, int minute, int second, int millis,
        int offsetMinutes, out long unixMs)
    {
        unixMs = 0;
        if (year is < MinYear or > MaxYear || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
            return false;
        var seconds = ((DaysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60 + second - offsetMinutes * 60L;
        unixMs = seconds * 1000 + millis;
        return unixMs >= 0;
    }

    // Howard Hinnant's days_from_civil: days since 1970-01-01 in the proleptic Gregorian calendar.
    private static long DaysFromCivil(int year, int month, int day)
    {
        if (month <= 2) year--;
        var era = year / 400;
        var yearOfEra = year - era * 400;
        var dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        var dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146097L + dayOfEra - 719468;
    }

    private static bool Digits(ReadOnlySpan<byte> s, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var d = (uint)(s[i] - '0');
            if (d > 9) return false;
            value = value * 10 + (int)d;
        }
        return true;
    }

    private static int MonthNumber(ReadOnlySpan<byte> name)
    {
        // Nginx always writes the English abbreviation regardless of locale.
        var key = (name[0] | 0x20) << 16 | (name[1] | 0x20) << 8 | (name[2] | 0x20);
        return key switch
        {
            'j' << 16 | 'a' << 8 | 'n' => 1,
            'f' << 16 | 'e' << 8 | 'b' => 2,
            'm' << 16 | 'a' << 8 | 'r' => 3,
            'a' << 16 | 'p' << 8 | 'r' => 4,
            'm' << 16 | 'a' << 8 | 'y' => 5,
            'j' << 16 | 'u' << 8 | 'n' => 6,
            'j' << 16 | 'u' << 8 | 'l' => 7,
            'a' << 16 | 'u' << 8 | 'g' => 8,
            's' << 16 | 'e' << 8 | 'p' => 9,
            'o' << 16 | 'c' << 8 | 't' => 10,
            'n' << 16 | 'o' << 8 | 'v' => 11,
            'd' << 16 | 'e' << 8 | 'c' => 12,
            _ => 0,
        };
    }
}
