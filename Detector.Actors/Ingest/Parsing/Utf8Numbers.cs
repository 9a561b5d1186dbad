namespace Detector.Ingest.Parsing;

/// <summary>Small non-negative integer parsing over UTF-8 digits, for values Nginx writes as numbers or strings.</summary>
internal static class Utf8Numbers
{
    /// <summary>Only ASCII digits, 1..18 of them (so the value cannot overflow).</summary>
    public static bool TryParseNonNegative(ReadOnlySpan<byte> digits, out long value)
    {
        value = 0;
        if (digits.IsEmpty || digits.Length > 18) return false;
        foreach (var b in digits)
        {
            var d = (uint)(b - '0');
            if (d > 9) return false;
            value = value * 10 + d;
        }
        return true;
    }

    /// <summary>An HTTP status: three digits, 100..599.</summary>
    public static bool TryParseStatus(ReadOnlySpan<byte> text, out int status)
    {
        status = 0;
        if (text.Length != 3) return false;
        uint a = (uint)(text[0] - '0'), b = (uint)(text[1] - '0'), c = (uint)(text[2] - '0');
        if (a > 9 || b > 9 || c > 9) return false;
        status = (int)(a * 100 + b * 10 + c);
        return status is >= 100 and <= 599;
    }
}
