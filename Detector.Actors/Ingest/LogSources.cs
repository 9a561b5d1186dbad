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
        var source = merged ? Source.Combine(sources[0], sources[1], n => new EventTimeMergeStage(n), sources.Skip(2).ToArray()) : sources[0];
        return stopAtEnd || options.RescanSeconds <= 0 || !LogFileWatcher.Applies(options)
            ? source
            : source.Merge(FilesCreatedLater(files, options, counters, sample));
    }

    /// <summary>
    /// Live: files that match a pattern after the start (<see cref="LogFileWatcher"/>, every RescanSeconds), each
    /// followed from its start with its own tail and parsers. They join the stream as their batches come, not through
    /// the event-time merge, whose inputs are fixed when it starts: live, that is what the merge does for a file that
    /// has caught up anyway (its lines join at their own time, a poll behind), and a new file starts caught up.
    /// </summary>
    private static Source<EntryBatch, NotUsed> FilesCreatedLater(IReadOnlyList<string> files, LogOptions options, IngestCounters counters,
        Action<MalformedReason, string>? sample)
    {
        var watcher = new LogFileWatcher(options, files);
        var interval = TimeSpan.FromSeconds(options.RescanSeconds);
        return Source.Tick(interval, interval, NotUsed.Instance)
            .MapMaterializedValue(_ => NotUsed.Instance)
            .SelectMany(_ => watcher.NewFiles())
            .MergeMany(MaxFilesCreatedLater, path => File(path, options, counters, fromStart: true, stopAtEnd: false, signalCaughtUp: false, sample));
    }

    /// <summary>Files picked up while running that are followed at once; more wait for a slot.</summary>
    private const int MaxFilesCreatedLater = 1024;

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
