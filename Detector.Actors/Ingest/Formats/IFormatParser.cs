using Detector.Domain;

namespace Detector.Ingest.Formats;

/// <summary>
/// Turns one line of one format into an entry. The line is valid UTF-8 and no longer than the configured maximum
/// (<see cref="LogParser"/> checks both); everything in it is still untrusted. Implementations never throw on input
/// and keep no reference to the line. Not thread-safe (reused buffers and string pools).
/// </summary>
internal interface IFormatParser
{
    /// <returns>null and the entry, or why the line is malformed.</returns>
    MalformedReason? Parse(ReadOnlySpan<byte> line, out AccessLogEntry entry);
}
