using System.Runtime.InteropServices;
using Akka.Actor;
using Detector.Audit;
using Detector.Baseline;
using Detector.Configuration;
using Detector.Detection;
using Detector.Domain;
using Detector.Enforcement;
using Detector.Ingest;
using Detector.Ingest.Clock;
using Detector.Ingest.Nextcloud;
using Detector.IpWindows;

namespace Detector.Pipeline;

/// <summary>The actors the coordinator talks to.</summary>
public sealed record DetectionActors(IActorRef IpWindows, IActorRef Collector, IActorRef Enforcement, IActorRef Audit);

/// <summary>
/// The stream stage between the parser and the actors; orchestration only. The pure parts decide:
/// <see cref="SecondCutter"/> cuts the entry stream into seconds of event time and says which seconds need a full
/// close (a quiet stretch is jumped in one step); <see cref="IpBatcher"/> keeps the per-IP tracks and says whose
/// traffic goes to its window entity now; <see cref="SiteModel"/> holds the global window, episodes and baseline;
/// <see cref="BanMirror"/> is the copy of the active bans. Closing a second sends the due IPs' traffic to their
/// entities, waits for all answers, has Enforcement apply the verdicts (sorted, so replay is deterministic), then
/// feeds the site-wide second, without banned traffic, to the site model. One caller at a time.
/// </summary>
public sealed class DetectionCoordinator
{
    /// <summary>An answer this late means a lost entity or actor: fail the pipeline (the daemon stops and is
    /// restarted) rather than hang without detecting.</summary>
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(30);

    private readonly DetectorOptions _options;
    private readonly DetectionActors _actors;
    private readonly EventClock _clock;
    private readonly DetectionStats _stats;
    private readonly SecondCutter _cutter;
    private readonly IpBatcher _batcher;
    private readonly SiteModel _site;
    private readonly RecentTalkers _talkers;
    private readonly Func<IpKey, bool> _isBanned;
    private readonly BusiestSources _busiestSources;
    /// <summary>Failed logins from Nextcloud's log; null without one (<see cref="LogOptions.NextcloudLogs"/>).</summary>
    private readonly LoginCampaigns? _logins;
    private readonly NextcloudCounters? _nextcloudCounters;
    /// <summary>Failed logins dated outside [MinPlausibleYear, MaxPlausibleYear] are turned down (Unix ms).</summary>
    private readonly long _minPlausibleMs, _maxPlausibleMs;

    /// <summary>Null until the first second closes and enforcement has said which bans it recovered.</summary>
    private BanMirror? _bans;
    /// <summary>The site's traffic in the open second.</summary>
    private SecondCounts _siteSecond;
    /// <summary>Traffic of the open second from IPs banned before it closed (live early evaluation).</summary>
    private SecondCounts _bannedInOpenSecond;
    private long _sliceId;

    /// <param name="nextcloudCounters">Where failed logins turned down for their time are counted; null: nowhere.</param>
    public DetectionCoordinator(DetectorOptions options, DetectionActors actors, EventClock clock, DetectionStats stats,
        NextcloudCounters? nextcloudCounters = null)
    {
        _options = options;
        _actors = actors;
        _clock = clock;
        _stats = stats;
        var live = clock.Mode == ClockMode.Live;
        _site = new SiteModel(options.Detection, options.Baseline);
        _batcher = new IpBatcher(options.Detection, live, _site.Baseline,
            ipv6AggregatePrefix: options.Enforcement.Ipv6Range.Enabled ? options.Enforcement.Ipv6Range.PrefixLength : 0);
        _cutter = new SecondCutter(options.Clock.LatenessToleranceSeconds, options.Baseline.RecomputeSeconds,
            longGapSeconds: Math.Max(1, options.Baseline.HistoryMinutes) * (long)EventTime.SecondsPerMinute,
            everySecondInShortStretch: live);
        _talkers = new RecentTalkers(options.Detection.WindowSeconds);
        _isBanned = ip => _bans!.IsBanned(ip);
        _busiestSources = measure => _talkers.Busiest(options.Detection.GlobalVolumeBusiestSources, measure, _isBanned);
        UseBaseline(_site.Baseline);
        if (options.Log.NextcloudLogs.Count > 0) _logins = new LoginCampaigns(options.Detection);
        _nextcloudCounters = nextcloudCounters;
        _minPlausibleMs = new DateTimeOffset(options.Clock.MinPlausibleYear, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        _maxPlausibleMs = new DateTimeOffset(options.Clock.MaxPlausibleYear, 12, 31, 23, 59, 59, 999, TimeSpan.Zero).ToUnixTimeMilliseconds();
    }

    /// <summary>Adds a parsed batch to the open second(s), closing every second the watermark has passed; a batch of
    /// Nextcloud's failed logins goes to the account rule instead.</summary>
    public Task ProcessAsync(EntryBatch batch) =>
        batch.Logins is { } logins ? ProcessLoginsAsync(logins) : PlaceAsync(_clock.Observe(batch));

    /// <summary>
    /// Failed logins, merged with the access log in event time, are counted per account and address
    /// (<see cref="LoginCampaigns"/>); a campaign's start is audited as an ALERT at once. They are not traffic: they
    /// move no second. A time outside the plausible years, or a jump of more than MaxForwardJumpHours past the open
    /// second, is turned down (counted <c>implausible_time</c>); live, a time ahead of the open second is taken as it.
    /// </summary>
    private Task ProcessLoginsAsync(LoginFailure[] logins)
    {
        if (_logins is null) return Task.CompletedTask;
        var started = _cutter.IsStarted;
        var open = started ? _cutter.OpenSecond : 0;
        var jumpMs = _options.Clock.MaxForwardJumpHours > 0 ? _options.Clock.MaxForwardJumpHours * 3_600_000L : long.MaxValue;
        foreach (var login in logins)
        {
            var failure = login;
            if (failure.TimeMs < _minPlausibleMs || failure.TimeMs > _maxPlausibleMs
                || (started && failure.TimeMs - open * 1000 > jumpMs))
            {
                _nextcloudCounters?.RejectImplausibleTime();
                continue;
            }
            if (started && _clock.Mode == ClockMode.Live && failure.TimeMs >= (open + 1) * 1000)
                failure = failure with { TimeMs = open * 1000 };
            if (_logins.AddFailure(failure) is not { } attacked) continue;
            _stats.AddAccountAlert();
            _actors.Audit.Tell(attacked);
        }
        return Task.CompletedTask;
    }

    private async Task PlaceAsync(EntryBatch batch)
    {
        var watermark = _clock.WatermarkMs;
        long late = 0, tooLate = 0;
        var classified = batch.Counts;
        var pathKeys = batch.PathKeys;
        for (var i = 0; i < batch.Count; i++)
        {
            var second = batch.Entries[i].TimeMs / 1000;
            var placement = _cutter.Place(second);
            if (placement == SecondPlacement.Later)
            {
                await CloseUntilAsync(second);
                placement = _cutter.Place(second);
            }
            // Out of order within the tolerance: counted into the open second. Older: left out of detection.
            if (placement == SecondPlacement.TooLate)
            {
                tooLate++;
                continue;
            }
            if (placement == SecondPlacement.Late) late++;
            ref readonly var entry = ref batch.Entries[i];
            var counts = classified is null ? SecondCounts.Of(entry) : classified[i];
            _batcher.Add(entry, counts, pathKeys is null ? PathKey.Of(entry.Path) : pathKeys[i], _cutter.OpenSecond);
            _siteSecond += counts;
            _bans?.Answered(entry.Ip, entry.Status);
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
        if (!_cutter.IsStarted) return;
        _bans ??= await LoadBansAsync();
        var open = _cutter.OpenSecond;
        foreach (var flushed in _batcher.FlushHotOpen(open, _isBanned, _site.InEpisode))
            _talkers.Add(open, flushed.Ip, flushed.Counts);
        if (!_batcher.HasDue) return;
        var replies = await EvaluateAsync();
        if (replies.Exists(r => r.Verdict is not null))
            _bannedInOpenSecond += await EnforceAsync(open + 1, replies);
    }

    /// <summary>Live mode's wall-clock tick: closes quiet seconds.</summary>
    public Task TickAsync()
    {
        var watermark = _clock.Tick();
        if (watermark == long.MinValue) return Task.CompletedTask;
        _cutter.StartAt(watermark / 1000);
        return CloseUntilAsync(watermark / 1000);
    }

    /// <summary>End of a replay: the last open second is complete.</summary>
    public async Task FinishAsync()
    {
        if (_clock.Finish() is { Count: > 0 } held) await PlaceAsync(held);
        if (_cutter.IsStarted) await CloseUntilAsync(_cutter.OpenSecond + 1);
    }

    /// <summary>Closes every open second before <paramref name="untilSecond"/>: the ones that need it in full, quiet
    /// stretches between them in one step each (<see cref="SecondCutter"/>), so a gap costs no more than its events.</summary>
    private async Task CloseUntilAsync(long untilSecond)
    {
        while (true)
        {
            var step = _cutter.Next(untilSecond, FirstSecondToClose());
            if (step.IsNone) return;
            if (step.IsFull) await CloseSecondAsync(step.From);
            else SkipQuiet(step.From, step.To);
            _cutter.Done(step);
        }
    }

    /// <summary>The first second from the open one that needs a full close whatever the baseline: the open second
    /// while it holds traffic, the global window is not empty or the bans are not loaded yet; else the next minute's
    /// end while IPs are tracked, or the next ban expiry.</summary>
    private long FirstSecondToClose()
    {
        var open = _cutter.OpenSecond;
        if (_bans is null || _batcher.HasOpenTraffic || _bannedInOpenSecond != default || !_site.IsQuietFrom(open)
            || _logins?.HasPending == true) return open;
        return Math.Min(_batcher.NextMinuteEnd(open), Math.Max(open, _bans.FirstSecondWithExpiryDue));
    }

    private async Task CloseSecondAsync(long second)
    {
        var now = second + 1;
        var minuteEnds = now % 60 == 0;
        var bans = _bans ??= await LoadBansAsync();

        var site = _siteSecond;
        foreach (var closed in _batcher.CloseSecond(second, _isBanned, _site.InEpisode))
        {
            _talkers.Add(second, closed.Ip, closed.Counts);
            _logins?.AddAccessAuthFailures(closed.Ip, second, closed.Counts.AuthFailures);
            if (!closed.Banned) continue;
            site -= closed.Counts;
            if (bans.Observe(closed.Ip, second, closed.Counts.Requests) is { } ineffective)
                _actors.Audit.Tell(ineffective.ToEvent(_site.Baseline.IpMean, _site.Baseline.IpStd));
        }
        bans.SecondClosed();
        if (_batcher.HasEvictedEntities) Passivate(_batcher.TakeEvictedEntities());

        var replies = _batcher.HasDue ? await EvaluateAsync() : null;
        site -= await EnforceAsync(now, replies);
        site -= _bannedInOpenSecond;
        _bannedInOpenSecond = default;

        var closedSite = _site.CloseSecond(second, site, _batcher.NewClientsInClosedSecond, _talkers.Count, _busiestSources);
        _stats.SetGlobalRate(closedSite.Rate);
        if (closedSite.Alert is { } alert)
        {
            _stats.AddAlert();
            _actors.Audit.Tell(GlobalAlertRaised.From(alert));
        }
        _stats.Series.Add(closedSite.Point);

        if (minuteEnds) CloseMinute(now);
        if (_site.IsRecomputeDue(now))
        {
            var snapshot = _site.Recompute(now);
            UseBaseline(snapshot);
            _actors.Audit.Tell(new BaselineRecomputed(snapshot, closedSite.Rate));
        }

        _siteSecond = default;
        PublishTop(second, minuteEnds);
        _stats.SetEventNow(now);
    }

    /// <summary>Closes the quiet seconds [<paramref name="from"/>, <paramref name="to"/>) at once: no traffic, nothing
    /// to send or enforce, an empty global window; the site model records them, the stats follow.</summary>
    private void SkipQuiet(long from, long to)
    {
        _site.SkipQuiet(from, to);
        _stats.SetGlobalRate(_site.Rate);
        for (var now = Math.Max(from + 1, to - _stats.Series.Capacity + 1); now <= to; now++)
            _stats.Series.Add(_site.QuietPoint(now));
        PublishTop(to - 1, minuteEnds: EventTime.MinuteOf(to) != EventTime.MinuteOf(from));
        _stats.SetEventNow(to);
    }

    /// <summary>The top list is for people: once per closed second live, once a minute in a replay.</summary>
    private void PublishTop(long second, bool minuteEnds)
    {
        _talkers.AdvanceTo(second);
        _stats.SetAddresses(_batcher.Count, _batcher.EntityCount, _batcher.EvictedCount);
        if (_clock.Mode == ClockMode.Live || minuteEnds)
        {
            var fresh = _batcher.CountFirstSeenAfter(second - _options.Detection.WindowSeconds);
            _stats.SetTop(_talkers.Top(DetectionStats.TopCount, ip => _bans?.IsBanned(ip) == true), _talkers.Count, fresh);
        }
    }

    /// <summary>Bans recovered from the ledger's journal still hold: their traffic stays out of the baseline, their
    /// expiry is due, and their effectiveness is watched.</summary>
    private async Task<BanMirror> LoadBansAsync()
    {
        var state = await _actors.Enforcement.Ask<EnforcementState>(GetEnforcementState.Instance, ReplyTimeout);
        return BanMirror.From(state, _options.Enforcement.IneffectiveGraceSeconds);
    }

    private void UseBaseline(BaselineSnapshot snapshot)
    {
        _stats.Baseline = snapshot;
        _batcher.UseBaseline(snapshot);
    }

    /// <summary>Sends every due IP's queued seconds to its entity and waits for all the answers.</summary>
    private async Task<List<IpEvaluated>> EvaluateAsync()
    {
        var batches = _batcher.TakeDue();
        var slice = ++_sliceId;
        var done = new TaskCompletionSource<List<IpEvaluated>>(TaskCreationOptions.RunContinuationsAsynchronously);
        _actors.Collector.Tell(new ExpectReplies(slice, batches.Length, done));
        var baseline = _site.Baseline;
        var surge = _site.InEpisode;
        foreach (var batch in batches)
            _actors.IpWindows.Tell(new IpTrafficObserved(batch.Ip, batch.Seconds, batch.Paths, batch.Agents, baseline, slice,
                _actors.Collector, surge, batch.PathMinutes));
        return await done.Task.WaitAsync(ReplyTimeout);
    }

    /// <returns>The traffic of IPs banned now that was still counted in the closing second.</returns>
    private async Task<SecondCounts> EnforceAsync(long now, List<IpEvaluated>? replies)
    {
        var bans = _bans!;
        List<IpEvaluated>? offenders = null;
        if (replies is not null)
            foreach (var reply in replies)
                if (reply.Verdict is not null && !bans.IsBanned(reply.Ip)) (offenders ??= []).Add(reply);
        // A churning network's aggregate track speaks for the network: its verdict bans the range, never an address.
        var verdicts = offenders?.Where(o => !_batcher.IsAggregate(o.Ip)).Select(o => o.Verdict!).ToList() ?? [];
        var rangeVerdicts = offenders?.Where(o => _batcher.IsAggregate(o.Ip)).Select(o => o.Verdict!).ToList() ?? [];
        if (_logins is not null) AddCampaignVerdicts(now, verdicts);

        // Live, enforcement is asked every second (manual bans, expiries); a replay asks only when there is work.
        if (verdicts.Count == 0 && rangeVerdicts.Count == 0 && !bans.ExpiryDue(now) && _clock.Mode == ClockMode.Replay) return default;

        verdicts.Sort((a, b) => a.Ip.CompareTo(b.Ip));
        rangeVerdicts.Sort((a, b) => a.Ip.CompareTo(b.Ip));
        var applied = await _actors.Enforcement.Ask<EnforcementApplied>(
            new ApplyVerdicts(now, verdicts, _site.Baseline) { RangeVerdicts = rangeVerdicts }, ReplyTimeout);
        bans.Apply(applied.Events, applied.NextExpiry);

        var removed = default(SecondCounts);
        foreach (var e in applied.Events)
        {
            switch (e)
            {
                case IpBanned banned:
                    _stats.AddBan(banned, _options.Enforcement.EffectiveLadder.Count);
                    var reply = offenders?.Find(o => o.Ip == banned.Ip);
                    if (reply?.Buckets is not null) removed += _site.ForgetBanned(reply.Buckets, now - 1);
                    break;
                case RangeBanned range:
                    // An aggregate's traffic leaves the baseline like a banned address's.
                    var aggregate = offenders?.Find(o => o.Ip == range.Range.Network);
                    if (aggregate?.Buckets is not null) removed += _site.ForgetBanned(aggregate.Buckets, now - 1);
                    break;
                case IpUnbanned { Reason: OffenderLedger.FoldedReason }:
                    break;
                case IpUnbanned:
                case RangeUnbanned:
                    _stats.AddUnban();
                    break;
            }
        }
        return removed;
    }

    /// <summary>
    /// Account campaigns in the verdicts: a per-IP verdict against an address of a campaign names it too; an address of a
    /// campaign that reached the campaign's access-log bar (<see cref="LoginCampaigns.TakeVerdicts"/>) and has no
    /// verdict of its own is added, unless it is banned already.
    /// </summary>
    private void AddCampaignVerdicts(long now, List<IpVerdict> verdicts)
    {
        var logins = _logins!;
        for (var i = 0; i < verdicts.Count; i++)
            if (logins.CampaignOf(verdicts[i].Ip, now) is { } id)
                verdicts[i] = verdicts[i] with { Condition = verdicts[i].Condition + LoginCampaigns.CampaignSuffix(id) };
        if (!logins.HasPending) return;
        foreach (var verdict in logins.TakeVerdicts(now, _site.Baseline))
            if (!_bans!.IsBanned(verdict.Ip) && !verdicts.Exists(v => v.Ip == verdict.Ip)) verdicts.Add(verdict);
    }

    /// <summary>The aligned minute ending at <paramref name="now"/>: per-IP minute rates to the baseline, idle IPs'
    /// entities may passivate.</summary>
    private void CloseMinute(long now)
    {
        var minute = _batcher.CloseMinute(now, _isBanned);
        _site.RecordIpMinute(now, CollectionsMarshal.AsSpan(minute.Requests));
        if (minute.Idle is not null) Passivate(minute.Idle);
    }

    private void Passivate(List<IpKey> ips)
    {
        foreach (var ip in ips) _actors.IpWindows.Tell(new IpIdle(ip));
    }
}
