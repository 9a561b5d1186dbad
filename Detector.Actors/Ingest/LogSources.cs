using System.Collections.Concurrent;
using Akka;
using Akka.Streams.Dsl;
using Detector.Configuration;
using Detector.Ingest.Formats;
using Detector.Ingest.Merge;
using Detector.Ingest.Nextcloud;

namespace Detector.Ingest;

/// <summary>
/// The parsed entries of every log file as one source: per file a <see cref="LogTail"/> (its own rotation and
/// truncation handling) and its own parsers sharing the file's detected format; several files are merged in event
/// time by <see cref="EventTimeMergeStage"/>. One file goes straight through, as before there were several.
/// </summary>
public static class LogSources
{
    /// <summary>Batches of one file are parsed on this many threads, order kept: parsing is the heaviest ingest step.</summary>
    public const int ParseParallelism = 2;

    /// <param name="files">From <see cref="LogFiles.Resolve"/>.</param>
    /// <param name="nextcloudFiles">Nextcloud's own logs (<see cref="LogFiles.ResolveNextcloud"/>): their failed
    /// logins join the stream in event time as batches of <see cref="EntryBatch.Logins"/>.</param>
    /// <param name="sample">Receives sampled malformed lines (reason, preview).</param>
    public static Source<EntryBatch, NotUsed> Create(IReadOnlyList<string> files, IReadOnlyList<string> nextcloudFiles, LogOptions options,
        IngestCounters counters, bool fromStart, bool stopAtEnd, Action<MalformedReason, string>? sample)
    {
        if (files.Count == 0) throw new ArgumentException("no log file to follow", nameof(files));
        var merged = files.Count + nextcloudFiles.Count > 1;
        var sources = files.Select(path => File(path, options, counters, fromStart, stopAtEnd, merged, sample))
            .Concat(nextcloudFiles.Select(path => NextcloudFile(path, options, counters, fromStart, stopAtEnd)))
            .ToList();
        if (!merged) return sources[0];
        return Source.Combine(sources[0], sources[1], n => new EventTimeMergeStage(n), sources.Skip(2).ToArray());
    }

    private static Source<EntryBatch, NotUsed> File(string path, LogOptions options, IngestCounters counters, bool fromStart,
        bool stopAtEnd, bool signalCaughtUp, Action<MalformedReason, string>? sample)
    {
        var format = counters.RegisterFile(path, options.Format);
        var parsers = new ConcurrentBag<LogParser>();
        EntryBatch Parse(LineBatch lines)
        {
            if (!parsers.TryTake(out var parser)) parser = new LogParser(options, counters, sample, TimeProvider.System, format);
            try
            {
                return parser.Parse(lines).Classify();
            }
            finally
            {
                parsers.Add(parser);
            }
        }
        return LogTail.Create(path, options, counters, fromStart, stopAtEnd, signalCaughtUp)
            .SelectAsync(ParseParallelism, lines => Task.Run(() => Parse(lines)));
    }

    /// <summary>A Nextcloud log: its own tail (always merged, so it signals when caught up), one parser; its lines are
    /// few and picked out by a prefix, so one thread is plenty.</summary>
    private static Source<EntryBatch, NotUsed> NextcloudFile(string path, LogOptions options, IngestCounters counters, bool fromStart,
        bool stopAtEnd)
    {
        counters.Nextcloud.RegisterFile(path);
        var parser = new NextcloudLogParser(options.MaxLineBytes > 0 ? options.MaxLineBytes : int.MaxValue, counters.Nextcloud);
        return LogTail.Create(path, options, counters, fromStart, stopAtEnd, signalCaughtUp: true).Select(parser.Parse);
    }
}
