using Detector.Detection;
using Akka.Actor;
using Detector.Audit;
using Detector.Baseline;
using Detector.Configuration;
using Detector.Enforcement;
using Detector.Ingest;
using Detector.Ingest.Clock;
using Detector.IpWindows;
using Detector.Domain;

namespace Detector.Pipeline;

/// <summary>The actors the coordinator talks to.</summary>
public sealed record DetectionActors(IActorRef IpWindows, IActorRef Collector, IActorRef Enforcement, IActorRef Audit);

/// <summary>
/// The stream stage between the parser and the actors. Cuts the entry stream into seconds of event time.
/// Closing a second sends the traffic of every IP that could now fire a rule to its window entity (quiet IPs
/// are held back, every minute live or until 64 seconds build up in replay: their window cannot reach a threshold,
/// so no verdict changes), waits for
/// all answers, has Enforcement apply the verdicts (sorted, so replay is deterministic), then feeds the
/// site-wide second, without banned traffic, to the global rule and the baseline. One caller at a time.
/// </summary>
public sealed class DetectionCoordinator
{
    /// <summary>Replay: a quiet IP's queued seconds go to its entity once this many have built up.</summary>
    private const int MaxPendingSeconds = 64;

    /// <summary>An answer this late means a lost entity or actor: fail the pipeline (the daemon stops and is
    /// restarted) rather than hang without detecting.</summary>
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(30);

    private readonly DetectorOptions _options;
    private readonly DetectionActors _actors;
    private readonly EventClock _clock;
    private readonly DetectionStats _stats;
    private readonly BaselineModel _baseline;
    private readonly SlidingWindow _global;
    private readonly GlobalEpisodeTracker _episodes;
    private readonly SiteAnomalyRule _siteRule;
    private readonly OriginalGlobalRule _originalRule;
    private int _newInOpenSecond;
    private readonly RecentTalkers _talkers;

    private readonly Dictionary<IpKey, IpTrack> _tracks = new();
    private readonly List<IpTrack> _activeInSecond = [];
    private readonly List<IpTrack> _toSend = [];
    /// <summary>Null until the first second closes and enforcement has said which bans it recovered.</summary>
    private BanEffectiveness? _bans;

    private long _openSecond = long.MinValue;
    private SecondCounts _siteSecond;
    private long _sliceId;
    /// <summary>Traffic of the open second from IPs banned before it closed (live early evaluation).</summary>
    private SecondCounts _bannedInOpenSecond;
    private long? _nextExpiry;
    private int _hotRequests;
    private int _hotRequestsInSurge;
    private readonly int _hotErrors;

    public DetectionCoordinator(DetectorOptions options, DetectionActors actors, EventClock clock, DetectionStats stats)
    {
        _options = options;
        _actors = actors;
        _clock = clock;
        _stats = stats;
        _baseline = new BaselineModel(options.Baseline, options.Detection);
        _global = new SlidingWindow(options.Detection.WindowSeconds);
        _episodes = new GlobalEpisodeTracker(options.Detection);
        _siteRule = new SiteAnomalyRule(options.Detection, options.Baseline);
        _originalRule = new OriginalGlobalRule(options.Detection);
        _hotErrors = IpRule.HighestQuietErrors(options.Detection);
        _talkers = new RecentTalkers(options.Detection.WindowSeconds);
        UseBaseline(_baseline.Current);
    }

    /// <summary>Adds a parsed batch to the open second(s), closing every second the watermark has passed.</summary>
    public async Task ProcessAsync(EntryBatch batch)
    {
        var watermark = _clock.Observe(batch.Entries, batch.Count);
        long late = 0, tooLate = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            var entry = batch.Entries[i];
            var second = entry.TimeMs / 1000;
            if (_openSecond == long.MinValue) _openSecond = second;
            if (second > _openSecond) await CloseUntilAsync(second);
            else if (second < _openSecond)
            {
                // Out of order within the tolerance: counted into the open second. Older: left out of detection.
                if (second < _openSecond - _options.Clock.LatenessToleranceSeconds)
                {
                    tooLate++;
                    continue;
                }
                late++;
            }
            Accumulate(entry);
        }
        if (late > 0) _stats.AddLateClamped(late);
        if (tooLate > 0) _stats.AddTooLate(tooLate);
        if (_clock.Mode == ClockMode.Live) await EvaluateFloodsEarlyAsync();
        await CloseUntilAsync(watermark / 1000);
    }

    /// <summary>
    /// Live only: an IP whose open second alone could take it over a threshold is evaluated now, not when the second
    /// closes, so a flood is banned within a poll of crossing the line instead of up to a second later. Replay keeps
    /// whole seconds, so its output does not depend on how the file was read.
    /// </summary>
    private async Task EvaluateFloodsEarlyAsync()
    {
        if (_openSecond == long.MinValue) return;
        var bans = _bans ??= await LoadBansAsync();
        foreach (var track in _activeInSecond)
        {
            if (track.Open.Requests == 0 || bans.IsBanned(track.Ip) || !CouldFire(track)) continue;
            _talkers.Add(_openSecond, track.Ip, track.FlushOpen(_openSecond));
            _toSend.Add(track);
        }
        if (_toSend.Count == 0) return;
        var replies = await EvaluateAsync(_toSend);
        _toSend.Clear();
        if (replies.Exists(r => r.Verdict is not null))
            _bannedInOpenSecond += await EnforceAsync(_openSecond + 1, replies);
    }

    /// <summary>Live mode's wall-clock tick: closes quiet seconds.</summary>
    public Task TickAsync()
    {
        var watermark = _clock.Tick();
        if (watermark == long.MinValue) return Task.CompletedTask;
        if (_openSecond == long.MinValue) _openSecond = watermark / 1000;
        return CloseUntilAsync(watermark / 1000);
    }

    /// <summary>End of a replay: the last open second is complete.</summary>
    public Task FinishAsync() => _openSecond == long.MinValue ? Task.CompletedTask : CloseUntilAsync(_openSecond + 1);

    private void Accumulate(in AccessLogEntry entry)
    {
        if (!_tracks.TryGetValue(entry.Ip, out var track))
        {
            _tracks[entry.Ip] = track = new IpTrack(entry.Ip, _openSecond);
            _newInOpenSecond++;
        }
        var counts = SecondCounts.Of(entry);
        if (track.Add(entry, counts)) _activeInSecond.Add(track);
        _siteSecond += counts;
    }

    /// <summary>Closes every open second before <paramref name="untilSecond"/>.</summary>
    private async Task CloseUntilAsync(long untilSecond)
    {
        while (_openSecond < untilSecond)
        {
            await CloseSecondAsync(_openSecond);
            _openSecond++;
        }
    }

    private async Task CloseSecondAsync(long second)
    {
        var now = second + 1;
        var minuteEnds = now % 60 == 0;
        var bans = _bans ??= await LoadBansAsync();

        var site = _siteSecond;
        foreach (var track in _activeInSecond)
        {
            var counts = track.CloseSecond(second);
            _talkers.Add(second, track.Ip, counts);
            if (bans.IsBanned(track.Ip))
            {
                site -= counts;
                if (bans.Observe(track.Ip, second, counts.Requests) is { } ineffective)
                    _actors.Audit.Tell(AuditEvent.BanIneffective(ineffective, _baseline.Current.IpMean, _baseline.Current.IpStd));
                // Banned IPs are few and the ones operators look at: keep their entities live.
                _toSend.Add(track);
            }
            else if (CouldFire(track)) _toSend.Add(track);
            else if (_clock.Mode == ClockMode.Replay && track.PendingSeconds >= MaxPendingSeconds) _toSend.Add(track);
        }
        // Live: quiet IPs reach their entities every minute, so the API's per-IP view is at most a minute old.
        // Replay has no such reader; its quiet IPs wait until they turn hot or their queue fills (same verdicts).
        if (minuteEnds && _clock.Mode == ClockMode.Live)
        {
            _toSend.Clear();
            foreach (var track in _tracks.Values)
                if (track.HasPending) _toSend.Add(track);
        }

        var replies = _toSend.Count > 0 ? await EvaluateAsync(_toSend) : null;
        _toSend.Clear();
        site -= await EnforceAsync(now, replies);
        site -= _bannedInOpenSecond;
        _bannedInOpenSecond = default;

        _global.Add(second, site);
        var rate = _global.Totals.Requests / (double)_options.Detection.WindowSeconds;
        _stats.SetGlobalRate(rate);
        var siteAnomaly = _siteRule.Observe(second, new SiteSecond(site, _newInOpenSecond, _talkers.Count),
            () => _talkers.BusiestRequests(_options.Detection.GlobalVolumeBusiestSources, ip => _bans?.IsBanned(ip) == true));
        if (_options.Detection.GlobalRule == GlobalRuleKind.Original) siteAnomaly = _originalRule.Judge(rate, _baseline.Current);
        var anomalous = siteAnomaly is not null;
        var alert = _episodes.Evaluate(second, siteAnomaly);
        if (alert is not null)
        {
            _stats.AddAlert();
            _actors.Audit.Tell(AuditEvent.Alert(alert));
        }
        _baseline.RecordSecond(second, site, anomalous);
        _stats.Series.Add(SeriesPoint(now, rate, _baseline.Current));

        if (minuteEnds) CloseMinute(now);
        if (now % _options.Baseline.RecomputeSeconds == 0)
        {
            var snapshot = _baseline.Recompute(now);
            UseBaseline(snapshot);
            _actors.Audit.Tell(AuditEvent.BaselineRecomputed(snapshot, rate));
        }

        _activeInSecond.Clear();
        _siteSecond = default;
        _newInOpenSecond = 0;
        PublishTop(second, minuteEnds);
        _stats.SetEventNow(now);
    }

    /// <summary>The top list is for people: once per closed second live, once a minute in a replay.</summary>
    private void PublishTop(long second, bool minuteEnds)
    {
        _talkers.AdvanceTo(second);
        if (_clock.Mode == ClockMode.Live || minuteEnds)
        {
            var newSince = second - _options.Detection.WindowSeconds;
            var fresh = 0;
            foreach (var track in _tracks.Values)
                if (track.FirstSeen > newSince) fresh++;
            _stats.SetTop(_talkers.Top(DetectionStats.TopCount, ip => _bans?.IsBanned(ip) == true), _talkers.Count, fresh);
        }
    }

    /// <summary>The rate with the band the global rule allows: above Upper is a volume anomaly (when warm).</summary>
    private GlobalSeriesPoint SeriesPoint(long now, double rate, BaselineSnapshot baseline)
    {
        if (_options.Detection.GlobalRule == GlobalRuleKind.Causes)
        {
            var (expected, upper) = _siteRule.VolumeBand();
            return new GlobalSeriesPoint(now, rate, expected, 0, upper);
        }
        var z = _options.Detection.ZScoreThreshold;
        var originalUpper = Math.Min(baseline.Mean + z * baseline.Std60, _options.Detection.RateMultiplier * baseline.Mean);
        if (baseline.Std60 <= 0) originalUpper = _options.Detection.RateMultiplier * baseline.Mean;
        return new GlobalSeriesPoint(now, rate, baseline.Mean, Math.Max(0, baseline.Mean - z * baseline.Std60), originalUpper);
    }

    /// <summary>Bans recovered from the ledger's journal still hold: their traffic stays out of the baseline, their
    /// expiry is due, and their effectiveness is watched.</summary>
    private async Task<BanEffectiveness> LoadBansAsync()
    {
        var state = await _actors.Enforcement.Ask<EnforcementState>(GetEnforcementState.Instance, ReplyTimeout);
        var bans = new BanEffectiveness(_options.Enforcement.IneffectiveGraceSeconds, state.FirewallEnforces);
        foreach (var ban in state.ActiveBans)
            if (ban.BannedAt is { } at) bans.Banned(ban.Ip, at, ban.ExpiresAt);
        _nextExpiry = state.NextExpiry;
        return bans;
    }

    private void UseBaseline(BaselineSnapshot snapshot)
    {
        _stats.Baseline = snapshot;
        _hotRequests = HotRequests(IpRule.LowestFiringRate(snapshot, _options.Detection, siteSurge: false));
        _hotRequestsInSurge = HotRequests(IpRule.LowestFiringRate(snapshot, _options.Detection, siteSurge: true));
    }

    /// <summary>Whether the IP's window, with what its open second holds so far, could cross any rule: otherwise its
    /// traffic may wait (<see cref="IpRule.LowestFiringRate"/>, <see cref="IpRule.HighestQuietErrors"/>).</summary>
    private bool CouldFire(IpTrack track) =>
        track.WindowBound + track.Open.Requests > (_episodes.InEpisode ? _hotRequestsInSurge : _hotRequests)
        || track.ErrorBound + track.Open.Errors > _hotErrors;

    private int HotRequests(double lowestFiringRate) =>
        (int)Math.Min(int.MaxValue, Math.Floor(lowestFiringRate * _options.Detection.WindowSeconds));

    private async Task<List<IpEvaluated>> EvaluateAsync(List<IpTrack> tracks)
    {
        var slice = ++_sliceId;
        var done = new TaskCompletionSource<List<IpEvaluated>>(TaskCreationOptions.RunContinuationsAsynchronously);
        _actors.Collector.Tell(new ExpectReplies(slice, tracks.Count, done));
        var baseline = _baseline.Current;
        foreach (var track in tracks)
        {
            var (seconds, paths, agents, pathMinutes) = track.TakePending();
            _actors.IpWindows.Tell(new IpTrafficObserved(track.Ip, seconds, paths, agents, baseline, slice, _actors.Collector,
                _episodes.InEpisode, pathMinutes));
        }
        return await done.Task.WaitAsync(ReplyTimeout);
    }

    /// <returns>The traffic of IPs banned now that was still counted in the closing second.</returns>
    private async Task<SecondCounts> EnforceAsync(long now, List<IpEvaluated>? replies)
    {
        List<IpEvaluated>? offenders = null;
        if (replies is not null)
            foreach (var reply in replies)
                if (reply.Verdict is not null && !_bans!.IsBanned(reply.Ip)) (offenders ??= []).Add(reply);

        var due = _nextExpiry is { } expiry && expiry <= now;
        if (offenders is null && !due && _clock.Mode == ClockMode.Replay) return default;

        offenders?.Sort((a, b) => a.Ip.CompareTo(b.Ip));
        var verdicts = offenders?.Select(o => o.Verdict!).ToList() ?? [];
        var applied = await _actors.Enforcement.Ask<EnforcementApplied>(
            new ApplyVerdicts(now, verdicts, _baseline.Current), ReplyTimeout);
        _nextExpiry = applied.NextExpiry;

        var removed = default(SecondCounts);
        foreach (var e in applied.Events)
        {
            switch (e)
            {
                case IpBanned banned:
                    _stats.AddBan(banned, _options.Enforcement.EffectiveLadder.Count);
                    _bans!.Banned(banned.Ip, banned.At, banned.ExpiresAt);
                    var reply = offenders?.Find(o => o.Ip == banned.Ip);
                    if (reply?.Buckets is not null) removed += ForgetLearnedTraffic(reply.Buckets, now - 1);
                    break;
                case IpUnbanned unbanned:
                    _stats.AddUnban();
                    _bans!.Unbanned(unbanned.Ip);
                    break;
            }
        }
        return removed;
    }

    /// <summary>A banned IP's traffic must not stay in the global window or the baseline. Earlier seconds are
    /// taken out of both; the closing second's share is returned for the caller to leave out.</summary>
    private SecondCounts ForgetLearnedTraffic((long Second, SecondCounts Counts)[] buckets, long closingSecond)
    {
        var closing = default(SecondCounts);
        foreach (var (second, counts) in buckets)
        {
            if (second == closingSecond) closing = counts;
            if (second >= closingSecond) continue;
            _global.Add(second, default(SecondCounts) - counts);
            _siteRule.Forget(second, counts);
            _baseline.Forget(second, counts);
        }
        return closing;
    }

    private void CloseMinute(long now)
    {
        var requests = new List<int>(_tracks.Count);
        var idleBefore = now - _options.Detection.WindowSeconds - 60;
        List<IpKey>? idle = null;
        foreach (var (ip, track) in _tracks)
        {
            if (track.MinuteRequests > 0 && !_bans!.IsBanned(ip)) requests.Add(track.MinuteRequests);
            track.CloseMinute(now - 1);
            if (track.LastSeen < idleBefore) (idle ??= []).Add(ip);
        }
        _baseline.RecordIpMinute(now, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(requests));

        if (idle is null) return;
        foreach (var ip in idle)
        {
            _tracks.Remove(ip);
            _actors.IpWindows.Tell(new IpIdle(ip));
        }
    }
}
