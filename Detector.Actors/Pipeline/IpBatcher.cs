using System.Runtime.InteropServices;
using Detector.Configuration;
using Detector.Detection;
using Detector.Domain;
using Detector.Ingest;

namespace Detector.Pipeline;

/// <summary>An IP's traffic in one closed (or early-flushed) second, and whether the IP was banned then.</summary>
public readonly record struct IpSecond(IpKey Ip, SecondCounts Counts, bool Banned);

/// <summary>What goes to one IP's entity now: its queued seconds and the samples gathered with them.</summary>
public readonly record struct IpBatch(IpKey Ip, (long Second, SecondCounts Counts)[] Seconds, string[] Paths, string[] Agents, PathMinute[] PathMinutes);

/// <summary>What the IPs did in a closed aligned minute: the request count of each active, not-banned IP (for the
/// baseline's per-IP minute rates), and the IPs idle long enough to be dropped (their entities may passivate).</summary>
public readonly record struct IpMinute(List<int> Requests, List<IpKey>? Idle);

/// <summary>
/// The per-IP tracks (<see cref="IpTrack"/>) and the decision which IPs' queued seconds go to their entities now.
/// Pure: no actors, no clock; the coordinator sends the batches <see cref="TakeDue"/> hands out.
/// </summary>
/// <remarks>
/// An IP's traffic must go to its entity at once when its window could now cross a rule (the <see cref="CouldFire"/>
/// bound: previous plus current minute's requests, plus the open second's, above the lowest firing rate; or its
/// errors above the highest quiet count, <see cref="IpRule.LowestFiringRate"/>, <see cref="IpRule.HighestQuietErrors"/>),
/// and when it is banned (the few IPs operators look at stay live). Any other IP's traffic may wait, as no verdict can
/// change: in replay until <see cref="MaxPendingSeconds"/> seconds are queued, live until the minute ends (so the
/// API's per-IP view is at most a minute old). Tracks idle for a window and a minute are dropped at a minute's end.
/// </remarks>
public sealed class IpBatcher
{
    /// <summary>Replay: a quiet IP's queued seconds go to its entity once this many have built up.</summary>
    public const int MaxPendingSeconds = 64;

    private readonly DetectionOptions _options;
    private readonly bool _live;
    private readonly int _hotErrors;
    private readonly Dictionary<IpKey, IpTrack> _tracks = new();
    private readonly List<IpTrack> _activeInSecond = [];
    private readonly List<IpTrack> _due = [];
    private int _newInOpenSecond;
    /// <summary>Half a repetition rule's per-minute average over its horizon: lighter minutes are not tallied.</summary>
    private readonly int _minPathMinute;
    private readonly List<IpSecond> _closed = [];
    private int _hotRequests;
    private int _hotRequestsInSurge;

    /// <param name="live">Live mode: quiet IPs are flushed every minute; in replay when their queue is full.</param>
    public IpBatcher(DetectionOptions options, bool live, BaselineSnapshot baseline)
    {
        var repetition = IpRule.RepetitionFloor(options);
        _minPathMinute = repetition == int.MaxValue ? int.MaxValue : Math.Max(1, repetition / (2 * Math.Max(1, options.SustainedHorizonSeconds / 60)));
        _options = options;
        _live = live;
        _hotErrors = IpRule.HighestQuietErrors(options);
        UseBaseline(baseline);
    }

    /// <summary>IPs tracked (seen within the last window and minute or so).</summary>
    public int Count => _tracks.Count;

    /// <summary>Some IP sent traffic in the open second.</summary>
    public bool HasOpenTraffic => _activeInSecond.Count > 0;

    /// <summary>Some IP's queued seconds must go to its entity now.</summary>
    public bool HasDue => _due.Count > 0;

    /// <summary>Addresses whose track began in the second <see cref="CloseSecond"/> closed last: unseen, or idle
    /// for minutes before it.</summary>
    public int NewClientsInClosedSecond { get; private set; }

    /// <summary>The bound follows the baseline: call with every new snapshot.</summary>
    public void UseBaseline(BaselineSnapshot baseline)
    {
        _hotRequests = HotRequests(IpRule.LowestFiringRate(baseline, _options, siteSurge: false));
        _hotRequestsInSurge = HotRequests(IpRule.LowestFiringRate(baseline, _options, siteSurge: true));
    }

    /// <summary>Counts an entry into the open second <paramref name="openSecond"/>.</summary>
    public void Add(in AccessLogEntry entry, SecondCounts counts, long openSecond)
    {
        ref var track = ref CollectionsMarshal.GetValueRefOrAddDefault(_tracks, entry.Ip, out _);
        if (track is null)
        {
            track = new IpTrack(entry.Ip, openSecond, _minPathMinute);
            _newInOpenSecond++;
        }
        if (track.Add(entry, counts)) _activeInSecond.Add(track);
    }

    /// <summary>
    /// Live early evaluation: queues the open second's traffic so far of every not-banned IP that could fire with it,
    /// and marks them due. The second stays open; the rest of it follows at its close.
    /// </summary>
    /// <returns>The IPs flushed and what they sent so far (valid until the next call).</returns>
    public IReadOnlyList<IpSecond> FlushHotOpen(long openSecond, Func<IpKey, bool> isBanned, bool siteSurge)
    {
        _closed.Clear();
        foreach (var track in _activeInSecond)
        {
            if (track.Open.Requests == 0 || isBanned(track.Ip) || !CouldFire(track, siteSurge)) continue;
            _closed.Add(new IpSecond(track.Ip, track.FlushOpen(openSecond), false));
            _due.Add(track);
        }
        return _closed;
    }

    /// <summary>
    /// Closes <paramref name="second"/>: queues each active IP's counts and marks due the IPs whose traffic must go
    /// to their entities now (banned, hot, replay queue full; live at a minute's end every IP with queued seconds).
    /// </summary>
    /// <returns>Each active IP's counts in the second, in arrival order (valid until the next call).</returns>
    public IReadOnlyList<IpSecond> CloseSecond(long second, Func<IpKey, bool> isBanned, bool siteSurge, bool minuteEnds)
    {
        _closed.Clear();
        NewClientsInClosedSecond = _newInOpenSecond;
        _newInOpenSecond = 0;
        foreach (var track in _activeInSecond)
        {
            var counts = track.CloseSecond(second);
            var banned = isBanned(track.Ip);
            _closed.Add(new IpSecond(track.Ip, counts, banned));
            if (banned || CouldFire(track, siteSurge)) _due.Add(track);
            else if (!_live && track.PendingSeconds >= MaxPendingSeconds) _due.Add(track);
        }
        _activeInSecond.Clear();
        if (minuteEnds && _live)
        {
            _due.Clear();
            foreach (var track in _tracks.Values)
                if (track.HasPending) _due.Add(track);
        }
        return _closed;
    }

    /// <summary>Hands out the due IPs' queued seconds and samples, one batch per IP, and forgets them.</summary>
    public IpBatch[] TakeDue()
    {
        var batches = new IpBatch[_due.Count];
        for (var i = 0; i < batches.Length; i++)
        {
            var track = _due[i];
            var (seconds, paths, agents, pathMinutes) = track.TakePending();
            batches[i] = new IpBatch(track.Ip, seconds, paths, agents, pathMinutes);
        }
        _due.Clear();
        return batches;
    }

    /// <summary>Closes the aligned minute ending at <paramref name="now"/>: rolls every track's minute counts and
    /// drops the tracks idle since before the window and a minute.</summary>
    public IpMinute CloseMinute(long now, Func<IpKey, bool> isBanned)
    {
        var requests = new List<int>(_tracks.Count);
        var idleBefore = now - _options.WindowSeconds - 60;
        List<IpKey>? idle = null;
        foreach (var (ip, track) in _tracks)
        {
            if (track.MinuteRequests > 0 && !isBanned(ip)) requests.Add(track.MinuteRequests);
            track.CloseMinute(now - 1);
            if (track.LastSeen < idleBefore) (idle ??= []).Add(ip);
        }
        if (idle is not null)
            foreach (var ip in idle) _tracks.Remove(ip);
        return new IpMinute(requests, idle);
    }

    /// <summary>The first second at or after <paramref name="second"/> whose close the tracks need (a minute's end,
    /// to roll their counts, flush live and drop idle ones); long.MaxValue without tracks.</summary>
    public long NextMinuteEnd(long second) =>
        _tracks.Count == 0 ? long.MaxValue : (EventTime.MinuteOf(second) + 1) * EventTime.SecondsPerMinute - 1;

    /// <summary>Tracks that began after <paramref name="second"/>: sources new within the window.</summary>
    public int CountFirstSeenAfter(long second)
    {
        var fresh = 0;
        foreach (var track in _tracks.Values)
            if (track.FirstSeen > second) fresh++;
        return fresh;
    }

    /// <summary>Whether the IP's window, with what its open second holds so far, could cross any rule: otherwise its
    /// traffic may wait (<see cref="IpRule.LowestFiringRate"/>, <see cref="IpRule.HighestQuietErrors"/>).</summary>
    private bool CouldFire(IpTrack track, bool siteSurge) =>
        track.WindowBound + track.Open.Requests > (siteSurge ? _hotRequestsInSurge : _hotRequests)
        || track.ErrorBound + track.Open.Errors > _hotErrors;

    private int HotRequests(double lowestFiringRate) =>
        (int)Math.Min(int.MaxValue, Math.Floor(lowestFiringRate * _options.WindowSeconds));
}
