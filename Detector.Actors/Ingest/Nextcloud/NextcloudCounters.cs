namespace Detector.Ingest.Nextcloud;

/// <summary>
/// What the Nextcloud logs held, by kind of line, and the lines that could not be read, by reason. Thread-safe; kept
/// apart from the access-log counters, whose lines are traffic (lines = entries + malformed holds there). Every
/// line is counted once: by its kind, or by why it is malformed.
/// </summary>
public sealed class NextcloudCounters
{
    private readonly long[] _lines = new long[Enum.GetValues<NextcloudLine>().Length];
    private readonly long[] _malformed = new long[Enum.GetValues<MalformedReason>().Length];
    private readonly List<string> _files = [];

    /// <summary>The Nextcloud logs the pipeline follows.</summary>
    public IReadOnlyList<string> Files
    {
        get { lock (_files) return _files.ToList(); }
    }

    public void RegisterFile(string path)
    {
        lock (_files) _files.Add(path);
    }

    public void Add(NextcloudLine kind) => Interlocked.Increment(ref _lines[(int)kind]);
    public void AddMalformed(MalformedReason reason) => Interlocked.Increment(ref _malformed[(int)reason]);

    /// <summary>A failed login the coordinator turned down for its time: no longer a failed login but malformed
    /// (<c>implausible_time</c>), so every line is still counted once.</summary>
    public void RejectImplausibleTime()
    {
        Interlocked.Decrement(ref _lines[(int)NextcloudLine.FailedLogin]);
        AddMalformed(MalformedReason.ImplausibleTime);
    }

    public long Lines(NextcloudLine kind) => Interlocked.Read(ref _lines[(int)kind]);
    public long Malformed(MalformedReason reason) => Interlocked.Read(ref _malformed[(int)reason]);
    public long FailedLogins => Lines(NextcloudLine.FailedLogin);
    public long MalformedTotal => _malformed.Sum(m => Interlocked.Read(ref m));

    /// <summary>Non-zero malformed counts by reason name, in enum order.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> MalformedByReason() =>
        Enum.GetValues<MalformedReason>()
            .Select(r => KeyValuePair.Create(r.Name(), Malformed(r)))
            .Where(kv => kv.Value > 0)
            .ToList();
}
