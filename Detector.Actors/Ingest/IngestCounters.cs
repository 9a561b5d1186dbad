using Detector.Configuration;
using Detector.Ingest.Formats;
using Detector.Ingest.Nextcloud;

namespace Detector.Ingest;

/// <summary>
/// Thread-safe counters of what the ingest side saw. One instance per pipeline, shared by the tail,
/// the parser and the clock, read by the status API and the replay summary.
/// </summary>
public sealed class IngestCounters
{
    private readonly long[] _malformed = new long[Enum.GetValues<MalformedReason>().Length];
    private long _lines;
    private long _entries;
    private long _rotations;
    private long _truncations;
    private long _futureClamped;
    private long _newestEventMs;
    private readonly List<(string Path, LogFormatChoice Format)> _files = [];

    /// <summary>What the Nextcloud logs held (none: all zero).</summary>
    public NextcloudCounters Nextcloud { get; } = new();

    public long Lines => Interlocked.Read(ref _lines);
    public long Entries => Interlocked.Read(ref _entries);
    public long Rotations => Interlocked.Read(ref _rotations);
    public long Truncations => Interlocked.Read(ref _truncations);
    public long FutureClamped => Interlocked.Read(ref _futureClamped);
    /// <summary>Newest event time seen (Unix ms), for the processing-lag figure.</summary>
    public long NewestEventMs => Interlocked.Read(ref _newestEventMs);
    public long MalformedTotal => _malformed.Sum(m => Interlocked.Read(ref m));

    public void AddLines(long n) => Interlocked.Add(ref _lines, n);
    public void AddEntries(long n) => Interlocked.Add(ref _entries, n);
    public void AddMalformed(MalformedReason reason, long n = 1) => Interlocked.Add(ref _malformed[(int)reason], n);
    public void AddRotation() => Interlocked.Increment(ref _rotations);
    public void AddTruncation() => Interlocked.Increment(ref _truncations);
    public void AddFutureClamped(long n) => Interlocked.Add(ref _futureClamped, n);

    /// <summary>Parsed entries the clock turned down (<see cref="MalformedReason.ImplausibleTime"/>): no longer
    /// entries, so lines = entries + malformed still holds.</summary>
    public void RejectImplausibleTime(long n)
    {
        Interlocked.Add(ref _entries, -n);
        AddMalformed(MalformedReason.ImplausibleTime, n);
    }
    public void ObserveEventTime(long ms)
    {
        long seen;
        while (ms > (seen = Interlocked.Read(ref _newestEventMs)) && Interlocked.CompareExchange(ref _newestEventMs, ms, seen) != seen) { }
    }

    /// <summary>A file the pipeline follows, with its format (configured, or detected as its lines are read).</summary>
    public LogFormatChoice RegisterFile(string path, LogFormat configured)
    {
        var choice = new LogFormatChoice(configured);
        lock (_files) _files.Add((path, choice));
        return choice;
    }

    /// <summary>The followed files and their formats now (<see cref="LogFormat.Auto"/>: no line has parsed yet).</summary>
    public IReadOnlyList<(string Path, LogFormat Format)> Files
    {
        get { lock (_files) return _files.Select(f => (f.Path, f.Format.Format)).ToList(); }
    }

    public long Malformed(MalformedReason reason) => Interlocked.Read(ref _malformed[(int)reason]);

    /// <summary>Non-zero malformed counts by reason name, in enum order.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> MalformedByReason() =>
        Enum.GetValues<MalformedReason>()
            .Select(r => KeyValuePair.Create(r.Name(), Malformed(r)))
            .Where(kv => kv.Value > 0)
            .ToList();
}
