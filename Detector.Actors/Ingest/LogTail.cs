using Akka;
using Akka.Streams.Dsl;
using Detector.Configuration;
using Detector.Ingest.Tail;

namespace Detector.Ingest;

/// <summary>
/// Akka.Streams source following one file as batches of complete lines (without '\n' or a trailing
/// '\r'). Follows rename rotation (the old file is drained first), copytruncate, a missing or removed
/// file; holds a partial last line until its newline; skips and counts lines over
/// <see cref="LogOptions.MaxLineBytes"/>. Reads only on demand.
/// </summary>
public static class LogTail
{
    /// <param name="fromStart">true: read from offset 0 (replay, --from-start); false: start at the current end.</param>
    /// <param name="stopAtEnd">true (replay): complete the stream at end of file instead of following.</param>
    public static Source<LineBatch, NotUsed> Create(LogOptions options, IngestCounters counters, bool fromStart, bool stopAtEnd) =>
        Create(options.Path, options, counters, fromStart, stopAtEnd, signalCaughtUp: false);

    /// <param name="path">The file to follow (one of <see cref="LogFiles.Resolve"/>).</param>
    /// <param name="signalCaughtUp">Emit <see cref="LineBatch.CaughtUp"/> at the end of the file (for <see cref="Merge.EventTimeMerger"/>).</param>
    public static Source<LineBatch, NotUsed> Create(string path, LogOptions options, IngestCounters counters, bool fromStart, bool stopAtEnd,
        bool signalCaughtUp) =>
        Source.FromGraph(new LogTailStage(path, options, counters, fromStart, stopAtEnd, signalCaughtUp));
}
