using Akka;
using Akka.Streams.Dsl;
using Detector.Configuration;

namespace Detector.Ingest;

/// <summary>
/// Akka.Streams source following one file as batches of complete lines. See the issue text for rotation,
/// truncation, missing file, partial line, CRLF and over-long line behaviour.
/// </summary>
public static class LogTail
{
    /// <param name="fromStart">true: read from offset 0 (replay, --from-start); false: start at the current end.</param>
    /// <param name="stopAtEnd">true (replay): complete the stream at end of file instead of following.</param>
    public static Source<LineBatch, NotUsed> Create(LogOptions options, IngestCounters counters, bool fromStart, bool stopAtEnd) =>
        throw new NotImplementedException();
}
