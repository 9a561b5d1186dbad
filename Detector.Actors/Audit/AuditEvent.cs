using System.Globalization;

namespace Detector.Audit;

/// <summary>
/// One audit line: <c>[timestamp] ACTION subject | condition | rate | baseline | duration</c> (DESIGN.md §5).
/// Timestamp is event time (Unix seconds) printed as ISO 8601 UTC with 'Z'.
/// </summary>
public sealed record AuditEvent(long At, string Action, string Subject, string Condition, double Rate, string Baseline, string Duration)
{
    public string Format() => throw new NotImplementedException();

    /// <summary>"mean=11.2 std=6.1"</summary>
    public static string MeanStd(double mean, double std) => throw new NotImplementedException();

    /// <summary>"600s" or "permanent"; null duration = permanent.</summary>
    public static string DurationText(long? seconds) => throw new NotImplementedException();

    /// <summary>Parses a line written by <see cref="Format"/> (for tests and the audit API); null if not one.</summary>
    public static AuditEvent? TryParse(string line) => throw new NotImplementedException();
}
