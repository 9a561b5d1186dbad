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
/// change: in replay until <see cref="MaxPendingSeconds"/> seconds are queued, live until a minute has passed since the
/// track's own second of the minute (so the API's per-IP view is at most a minute old, and the refreshes are spread
/// over the minute rather than all sent at its end). Tracks idle for a window and a minute are dropped at a minute's end.
/// <para>Bounded under address churn (docs/architecture.md, bounded state): at most
/// <see cref="DetectionOptions.MaxTrackedAddresses"/> tracks — over it, at a second's close, tracks are evicted idle
/// longest first, then fewest requests, never one that is banned, due, or within half of a threshold
/// (<see cref="IsNearThreshold"/>) — and entities are created for traffic that cannot change a verdict (live: the
/// minute's refresh) only while fewer than <see cref="DetectionOptions.MaxIpEntities"/> exist. Only tracks whose
/// entity exists (<see cref="IpTrack.HasEntity"/>) name it when they are dropped, so an entity is never started just to
/// be passivated.</para>
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
    private readonly List<IpKey> _evictedEntities = [];
    // Churning IPv6 networks (docs/architecture.md, bounded state): tracked addresses per network, and the networks
    // whose new addresses are tracked as one client under the network's address.
    private readonly int _aggregatePrefix;
    private readonly Dictionary<IpKey, int> _tracksPerNetwork = new();
    private readonly HashSet<IpKey> _aggregates = new();
    private readonly List<(long LastSeen, int Bound, IpTrack Track)> _evictionCandidates = [];

    /// <param name="live">Live mode: quiet IPs are flushed every minute; in replay when their queue is full.</param>
    /// <param name="ipv6AggregatePrefix">The IPv6 network whose churn is aggregated (the range bans' prefix); 0: none.</param>
    public IpBatcher(DetectionOptions options, bool live, BaselineSnapshot baseline, int ipv6AggregatePrefix = 0)
    {
        _aggregatePrefix = options.Ipv6AggregateAfterAddresses > 0 ? ipv6AggregatePrefix : 0;
        var repetition = IpRule.RepetitionFloor(options);
        _minPathMinute = repetition == int.MaxValue ? int.MaxValue : Math.Max(1, repetition / (2 * Math.Max(1, options.SustainedHorizonSeconds / 60)));
        _options = options;
        _live = live;
        _hotErrors = IpRule.HighestQuietErrors(options);
        UseBaseline(baseline);
    }

    /// <summary>IPs tracked (seen within the last window and minute or so).</summary>
    public int Count => _tracks.Count;

    /// <summary>Tracks whose entity exists (a batch went to it and it was not told to passivate since).</summary>
    public int EntityCount { get; private set; }

    /// <summary>Tracks evicted over the cap so far.</summary>
    public long EvictedCount { get; private set; }

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

    /// <summary>Networks whose new addresses are tracked as one client (their key is the network's address).</summary>
    public int AggregateCount => _aggregates.Count;

    /// <summary>Whether <paramref name="key"/> is a churning network's aggregate track, not an address's: a verdict on it
    /// is a verdict on the network.</summary>
    public bool IsAggregate(IpKey key) => _aggregates.Contains(key);

    /// <summary>Counts an entry (what it counts as, what it asked for) into the open second <paramref name="openSecond"/>.</summary>
    public void Add(in AccessLogEntry entry, SecondCounts counts, PathKey path, long openSecond)
    {
        var key = entry.Ip;
        if (_aggregatePrefix > 0 && !key.IsV4 && !_tracks.ContainsKey(key)) key = KeyForNew(key);
        ref var track = ref CollectionsMarshal.GetValueRefOrAddDefault(_tracks, key, out _);
        if (track is null)
        {
            track = new IpTrack(key, openSecond, _minPathMinute);
            _newInOpenSecond++;
            if (_aggregatePrefix > 0 && !key.IsV4 && !_aggregates.Contains(key))
                CollectionsMarshal.GetValueRefOrAddDefault(_tracksPerNetwork, Network(key), out _)++;
        }
        if (track.Add(entry, counts, path)) _activeInSecond.Add(track);
    }

    /// <summary>An untracked IPv6 address's key: its own, or its network's once the network has
    /// <see cref="DetectionOptions.Ipv6AggregateAfterAddresses"/> tracked addresses (addresses tracked before keep
    /// their own tracks).</summary>
    private IpKey KeyForNew(IpKey ip)
    {
        var network = Network(ip);
        if (_aggregates.Contains(network)) return network;
        if (_tracksPerNetwork.GetValueOrDefault(network) < _options.Ipv6AggregateAfterAddresses) return ip;
        _aggregates.Add(network);
        return network;
    }

    private IpKey Network(IpKey ip) => Enforcement.Firewall.BanTarget.Range(ip, _aggregatePrefix).Network;

    /// <summary>A track is gone (idle or evicted): its network counts one address less, or stops aggregating.</summary>
    private void Forget(IpKey key)
    {
        if (_aggregatePrefix == 0 || key.IsV4 || _aggregates.Remove(key)) return;
        var network = Network(key);
        ref var count = ref CollectionsMarshal.GetValueRefOrNullRef(_tracksPerNetwork, network);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref count)) return;
        if (--count <= 0) _tracksPerNetwork.Remove(network);
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
            MarkDue(track);
        }
        return _closed;
    }

    /// <summary>
    /// Closes <paramref name="second"/>: queues each active IP's counts and marks due the IPs whose traffic must go
    /// to their entities now (banned, hot, queue full; live, each IP with queued seconds once a minute, at its own
    /// second of the minute).
    /// </summary>
    /// <returns>Each active IP's counts in the second, in arrival order (valid until the next call).</returns>
    public IReadOnlyList<IpSecond> CloseSecond(long second, Func<IpKey, bool> isBanned, bool siteSurge)
    {
        _closed.Clear();
        NewClientsInClosedSecond = _newInOpenSecond;
        _newInOpenSecond = 0;
        foreach (var track in _activeInSecond)
        {
            var counts = track.CloseSecond(second);
            var banned = isBanned(track.Ip);
            _closed.Add(new IpSecond(track.Ip, counts, banned));
            // Live, a queue this long is an address beyond the entity budget that keeps coming back: worth an entity.
            if (banned || CouldFire(track, siteSurge) || track.PendingSeconds >= MaxPendingSeconds) MarkDue(track);
        }
        _activeInSecond.Clear();
        if (_live)
        {
            // The minute's refresh keeps the API's view of known addresses at most a minute old. Each track has its
            // own second of the minute (a minute after it began), so the refreshes are spread over the minute instead
            // of all landing on its end; new entities only within budget.
            var budget = _options.MaxIpEntities - EntityCount;
            foreach (var track in _tracks.Values)
            {
                if (!track.HasPending || track.IsDue || EventTime.FloorMod(second + 1 - track.FirstSeen, EventTime.SecondsPerMinute) != 0) continue;
                if (track.HasEntity || IsNearThreshold(track) || budget-- > 0) MarkDue(track);
            }
        }
        if (_tracks.Count > _options.MaxTrackedAddresses) Evict(isBanned);
        return _closed;
    }

    /// <summary>Hands out the due IPs' queued seconds and samples, one batch per IP, and forgets them.</summary>
    public IpBatch[] TakeDue()
    {
        var batches = new IpBatch[_due.Count];
        for (var i = 0; i < batches.Length; i++)
        {
            var track = _due[i];
            track.IsDue = false;
            if (!track.HasEntity)
            {
                track.HasEntity = true;
                EntityCount++;
            }
            var (seconds, paths, agents, pathMinutes) = track.TakePending();
            batches[i] = new IpBatch(track.Ip, seconds, paths, agents, pathMinutes);
        }
        _due.Clear();
        return batches;
    }

    public bool HasEvictedEntities => _evictedEntities.Count > 0;

    /// <summary>The entities of tracks evicted since the last call: they are told to passivate.</summary>
    public List<IpKey> TakeEvictedEntities()
    {
        var taken = _evictedEntities.ToList();
        _evictedEntities.Clear();
        return taken;
    }

    /// <summary>Closes the aligned minute ending at <paramref name="now"/>: rolls every track's minute counts and
    /// drops the tracks idle since before the window and a minute; <see cref="IpMinute.Idle"/> names those that
    /// had an entity.</summary>
    public IpMinute CloseMinute(long now, Func<IpKey, bool> isBanned)
    {
        var requests = new List<int>(_tracks.Count);
        var idleBefore = now - _options.WindowSeconds - 60;
        List<IpKey>? idle = null;
        foreach (var (ip, track) in _tracks)
        {
            if (track.MinuteRequests > 0 && !isBanned(ip)) requests.Add(track.MinuteRequests);
            track.CloseMinute(now - 1);
            if (track.LastSeen < idleBefore && !track.IsDue) (idle ??= []).Add(ip);
        }
        List<IpKey>? withEntity = null;
        if (idle is not null)
            foreach (var ip in idle)
            {
                _tracks.Remove(ip, out var track);
                Forget(ip);
                if (!track!.HasEntity) continue;
                EntityCount--;
                (withEntity ??= []).Add(ip);
            }
        return new IpMinute(requests, withEntity);
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

    /// <summary>Within half of the batching bound of a rule: such an address is never evicted and always gets an
    /// entity, so a slow climb towards a threshold is never cut off by churn around it.</summary>
    private bool IsNearThreshold(IpTrack track) =>
        2L * (track.WindowBound + track.Open.Requests) > Math.Min(_hotRequests, _hotRequestsInSurge)
        || 2L * (track.ErrorBound + track.Open.Errors) > _hotErrors;

    private void MarkDue(IpTrack track)
    {
        track.IsDue = true;
        _due.Add(track);
    }

    /// <summary>Brings the tracks down to three quarters of the cap (so a pass runs once per quarter of the cap of new
    /// addresses, not every second): idle longest first, then fewest requests, then by address (deterministic). Never
    /// a banned, due or near-threshold track; their entities are told to passivate.</summary>
    private void Evict(Func<IpKey, bool> isBanned)
    {
        var excess = _tracks.Count - _options.MaxTrackedAddresses * 3 / 4;
        _evictionCandidates.Clear();
        foreach (var track in _tracks.Values)
            if (!track.IsDue && !IsNearThreshold(track) && !isBanned(track.Ip))
                _evictionCandidates.Add((track.LastSeen, track.WindowBound, track));
        _evictionCandidates.Sort(static (a, b) =>
            a.LastSeen != b.LastSeen ? a.LastSeen.CompareTo(b.LastSeen)
            : a.Bound != b.Bound ? a.Bound.CompareTo(b.Bound)
            : a.Track.Ip.CompareTo(b.Track.Ip));
        var evict = Math.Min(excess, _evictionCandidates.Count);
        for (var i = 0; i < evict; i++)
        {
            var track = _evictionCandidates[i].Track;
            _tracks.Remove(track.Ip);
            Forget(track.Ip);
            EvictedCount++;
            if (!track.HasEntity) continue;
            EntityCount--;
            _evictedEntities.Add(track.Ip);
        }
        _evictionCandidates.Clear();
    }

    private int HotRequests(double lowestFiringRate) =>
        (int)Math.Min(int.MaxValue, Math.Floor(lowestFiringRate * _options.WindowSeconds));
}
