using System.Globalization;

namespace Detector.Audit;

/// <summary>
/// One audit line: <c>[timestamp] ACTION subject | condition | rate | baseline | duration</c> (docs/architecture.md, contracts: audit line).
/// Timestamp is event time (Unix seconds) printed as ISO 8601 UTC with 'Z'.
/// </summary>
public sealed partial record AuditEvent(long At, string Action, string Subject, string Condition, double Rate, string Baseline, string Duration)
{
    private const string TimestampFormat = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'";
    private const string Separator = " | ";
    private const string RateUnit = " req/s";

    /// <summary>The first and last second an audit timestamp can show (years 1 to 9999).</summary>
    private static readonly long MinAt = DateTimeOffset.MinValue.ToUnixTimeSeconds(), MaxAt = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    /// <summary>Written in one pass into a stack buffer (heap only for long lines): one string allocated.</summary>
    /// <remarks>A time outside years 1–9999 (a BASELINE closing 9999-12-31T23:59:59 is stamped in year 10000) is written
    /// as the nearest second that has a timestamp: writing the line matters more than its impossible date, and a
    /// formatting exception here would stop the audit writer on every such event.</remarks>
    public string Format()
    {
        var time = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(At, MinAt, MaxAt)).UtcDateTime;
        return string.Create(CultureInfo.InvariantCulture, stackalloc char[256],
            $"[{time:yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'}] {Action} {Subject}{Separator}{Condition}{Separator}{Rate:F1}{RateUnit}{Separator}{Baseline}{Separator}{Duration}");
    }

    public override string ToString() => Format();

    /// <summary>"mean=11.2 std=6.1"</summary>
    public static string MeanStd(double mean, double std) =>
        string.Create(CultureInfo.InvariantCulture, stackalloc char[64], $"mean={mean:F1} std={std:F1}");

    /// <summary>"600s" or "permanent"; null duration = permanent.</summary>
    public static string DurationText(long? seconds) =>
        seconds is { } s ? s.ToString(CultureInfo.InvariantCulture) + "s" : "permanent";

    /// <summary>Parses a line written by <see cref="Format"/> (for tests and the audit API); null if not one.</summary>
    public static AuditEvent? TryParse(string line)
    {
        if (string.IsNullOrEmpty(line)) return null;
        var text = line.AsSpan().TrimEnd("\r\n");

        // "[yyyy-MM-ddTHH:mm:ssZ] " is 23 characters.
        if (text.Length < 23 || text[0] != '[' || text[21] != ']' || text[22] != ' ') return null;
        if (!DateTime.TryParseExact(text[1..21], TimestampFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
            return null;
        var at = new DateTimeOffset(time, TimeSpan.Zero).ToUnixTimeSeconds();

        var fields = text[23..].ToString().Split(Separator);
        if (fields.Length != 5) return null;

        var head = fields[0].Split(' ');
        if (head.Length != 2 || head[0].Length == 0 || head[1].Length == 0) return null;

        var rateText = fields[2];
        if (!rateText.EndsWith(RateUnit, StringComparison.Ordinal)) return null;
        if (!double.TryParse(rateText.AsSpan(0, rateText.Length - RateUnit.Length),
                NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var rate))
            return null;

        return new AuditEvent(at, head[0], head[1], fields[1], rate, fields[3], fields[4]);
    }
}
