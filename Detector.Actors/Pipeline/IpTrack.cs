using Detector.Detection;
using Detector.Ingest;
using Detector.IpWindows;
using Detector.Domain;

namespace Detector.Pipeline;

/// <summary>
/// The batching bookkeeping the coordinator keeps per active IP, and nothing that decides a verdict: the open
/// second's counts, closed seconds not yet handed to the IP's entity, a few sample paths and agents to hand over
/// with them, and request and error counts of the current and previous aligned minute (their sum bounds the IP's
/// window, which decides whether its traffic must go to the entity now; the minute's requests also feed the
/// baseline's per-IP minute rates). First and last seen date the track for the "new sources" figure and idle
/// eviction. The window, horizon, agents, samples and verdict live in the entity (<see cref="IpWindow"/>).
/// Owned by <see cref="IpBatcher"/>.
/// </summary>
/// <remarks>Under address churn most tracks see one or two requests, so everything beyond the counts is allocated
/// on first use (queued seconds, path buffers, path minutes) and the samples are inline: a one-request track is a
/// few hundred bytes, which is what lets the batcher hold its cap of tracks in bounded memory.</remarks>
internal sealed class IpTrack(IpKey ip, long firstSeen, int minPathMinute = 1)
{
    private List<(long Second, SecondCounts Counts)>? _pending;
    private Samples _paths;
    private Samples _agents;
    // Path evidence for the repetition rules. A minute's first minPathMinute paths wait (the first in _firstPath,
    // the rest in _minuteStart); only a minute that proves heavy is tallied (most addresses' minutes are light and
    // could never make one repetitive).
    private PathKey _firstPath;
    private PathKey[]? _minuteStart;
    private PathTally? _pathTally;
    private PathTally? _routeTally;
    private List<PathMinute>? _pathMinutes;
    private int _minutePathRequests;
    private bool _inSecond;

    public IpKey Ip { get; } = ip;
    /// <summary>The second this track began: the IP had been idle (or unseen) for minutes before.</summary>
    public long FirstSeen { get; } = firstSeen;
    public SecondCounts Open { get; private set; }
    public int MinuteRequests { get; private set; }
    public int PreviousMinuteRequests { get; private set; }
    public int MinuteErrors { get; private set; }
    public int PreviousMinuteErrors { get; private set; }
    public long LastSeen { get; private set; }
    public bool HasPending => _pending is { Count: > 0 };
    public int PendingSeconds => _pending?.Count ?? 0;

    /// <summary>Some batch of this track went to its entity, so the entity exists (until it is told <c>IpIdle</c>).</summary>
    public bool HasEntity { get; set; }

    /// <summary>Marked due: its queued seconds go to the entity with the next <see cref="IpBatcher.TakeDue"/>.</summary>
    public bool IsDue { get; set; }

    /// <summary>Upper bound of requests in any window ending in the current minute (window ≤ 60 s).</summary>
    public int WindowBound => MinuteRequests + PreviousMinuteRequests;

    /// <summary>Upper bound of 4xx/5xx answers in any window ending in the current minute.</summary>
    public int ErrorBound => MinuteErrors + PreviousMinuteErrors;

    /// <returns>true when this is the IP's first request of the open second.</returns>
    public bool Add(in AccessLogEntry entry, SecondCounts counts, PathKey path)
    {
        var first = !_inSecond;
        _inSecond = true;
        Open += counts;
        TallyPath(path);
        _paths.Add(entry.Path);
        _agents.Add(entry.UserAgent);
        return first;
    }

    /// <summary>The open second is over: queue what it still holds for the entity.</summary>
    public SecondCounts CloseSecond(long second)
    {
        _inSecond = false;
        return FlushOpen(second);
    }

    /// <summary>Queues the open second's traffic so far (the second stays open; the rest follows at its close).
    /// The entity adds both parts to the same bucket.</summary>
    public SecondCounts FlushOpen(long second)
    {
        var counts = Open;
        if (counts.Requests == 0) return counts;
        // One slot at the first flush (under address churn most tracks flush once); at the second, room for a few
        // seconds: growing one by one costs the coordinator, the pipeline's one serial stage, a copy per doubling.
        _pending ??= new List<(long, SecondCounts)>(1);
        if (_pending.Count == 1) _pending.EnsureCapacity(8);
        _pending.Add((second, counts));
        MinuteRequests += counts.Requests;
        MinuteErrors += counts.Errors;
        LastSeen = second;
        Open = default;
        return counts;
    }

    /// <summary>Hands the queued seconds and samples over for one entity message.</summary>
    public ((long, SecondCounts)[] Seconds, string[] Paths, string[] Agents, PathMinute[] PathMinutes) TakePending()
    {
        // The open minute's tally goes too: a flood's repetition is evidence within seconds, not at the minute's end.
        CutPathMinute(LastSeen);
        var taken = (_pending?.ToArray() ?? [], _paths.TakeAll(), _agents.TakeAll(), _pathMinutes?.ToArray() ?? []);
        _pathMinutes?.Clear();
        _pending?.Clear();
        return taken;
    }

    /// <param name="lastSecond">The minute's last second.</param>
    public void CloseMinute(long lastSecond)
    {
        CutPathMinute(lastSecond);
        _minutePathRequests = 0;
        PreviousMinuteRequests = MinuteRequests;
        MinuteRequests = 0;
        PreviousMinuteErrors = MinuteErrors;
        MinuteErrors = 0;
    }

    private void TallyPath(PathKey path)
    {
        if (minPathMinute == int.MaxValue) return; // the repetition rules are off
        var n = _minutePathRequests++;
        if (n > minPathMinute)
        {
            PathTally.AddRequest(_pathTally!, _routeTally!, path);
            return;
        }
        if (n < minPathMinute)
        {
            if (n == 0) _firstPath = path;
            else (_minuteStart ??= new PathKey[minPathMinute])[n] = path;
            return;
        }
        // The minute has proved heavy: what it asked for so far is tallied now, the rest as it comes.
        _pathTally ??= new PathTally();
        _routeTally ??= new PathTally(byRoute: true);
        PathTally.AddRequest(_pathTally, _routeTally, _firstPath);
        for (var i = 1; i < minPathMinute; i++) PathTally.AddRequest(_pathTally, _routeTally, _minuteStart![i]);
        PathTally.AddRequest(_pathTally, _routeTally, path);
    }

    /// <summary>Paths are tallied per minute, so the entity's ten-minute horizon stays ten minutes however long
    /// the traffic waited in a batch. A minute with no more than <c>minPathMinute</c> requests in all is never
    /// tallied: it cannot make an address repetitive, and leaving it out lowers the horizon's count, never raises
    /// its share on its own.</summary>
    private void CutPathMinute(long second)
    {
        if (_pathTally is null || _pathTally.IsEmpty) return;
        (_pathMinutes ??= new List<PathMinute>(2)).Add(new PathMinute(second, _pathTally.ToArray(), _routeTally!.ToArray(), _pathTally.Total));
        _pathTally.Clear();
        _routeTally.Clear();
    }

    /// <summary>Up to three distinct values, inline (no list per track).</summary>
    private struct Samples
    {
        private string? _a, _b, _c;

        public void Add(string value)
        {
            if (_c is not null || Same(_a, value) || Same(_b, value)) return;
            if (_a is null) _a = value;
            else if (_b is null) _b = value;
            else _c = value;
        }

        public string[] TakeAll()
        {
            string[] taken = _a is null ? [] : _b is null ? [_a] : _c is null ? [_a, _b] : [_a, _b, _c];
            _a = _b = _c = null;
            return taken;
        }

        private static bool Same(string? sample, string value) => sample is not null && (ReferenceEquals(sample, value) || sample == value);
    }
}
