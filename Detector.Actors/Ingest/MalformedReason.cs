namespace Detector.Ingest;

/// <summary>Why a log line was not turned into an entry. Names appear in metrics and summaries.</summary>
public enum MalformedReason
{
    InvalidJson,
    InvalidUtf8,
    NotAnObject,
    MissingIp,
    InvalidIp,
    MissingTime,
    InvalidTime,
    InvalidStatus,
    LineTooLong,
    /// <summary>Parsed, but dated where the stream cannot be (<see cref="Clock.TimePlausibility"/>): counted by the clock,
    /// not the parser.</summary>
    ImplausibleTime,
    /// <summary>A text line without the fields of its file's format in their places (a cut-off or foreign line).</summary>
    NotInFormat,
}

public static class MalformedReasonNames
{
    private static readonly string[] Names = Enum.GetValues<MalformedReason>().Select(ToSnake).ToArray();

    public static string Name(this MalformedReason reason) => Names[(int)reason];

    private static string ToSnake(MalformedReason reason) =>
        string.Concat(reason.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
