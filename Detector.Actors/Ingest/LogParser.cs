using Detector.Configuration;

namespace Detector.Ingest;

/// <summary>
/// Turns log lines into entries with Utf8JsonReader (no DOM). Field aliases per DESIGN.md §5 plus
/// <see cref="LogOptions.FieldMap"/>. Bad lines are counted by reason in <see cref="IngestCounters"/> and a
/// bounded number per minute are sampled to the log callback; they never throw.
/// Not thread-safe (string pools); use one instance per stream stage.
/// </summary>
public sealed class LogParser
{
    /// <param name="sample">Receives (reason, line text truncated to 200 chars) for sampled malformed lines.</param>
    public LogParser(LogOptions options, IngestCounters counters, Action<MalformedReason, string>? sample = null) =>
        throw new NotImplementedException();

    /// <summary>Parses one line. False (and counted) when malformed.</summary>
    public bool TryParse(ReadOnlySpan<byte> line, out AccessLogEntry entry) => throw new NotImplementedException();

    /// <summary>Parses all lines of a batch; counts lines, entries and malformed.</summary>
    public EntryBatch Parse(LineBatch batch) => throw new NotImplementedException();
}
