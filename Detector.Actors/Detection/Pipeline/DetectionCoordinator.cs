using Akka.Actor;
using Detector.Audit;
using Detector.Baseline;
using Detector.Configuration;
using Detector.Enforcement;
using Detector.Ingest;
using Detector.Ingest.Clock;
using Detector.Messages;
using Detector.Windows;

namespace Detector.Detection.Pipeline;

/// <summary>The actors the coordinator talks to.</summary>
public sealed record DetectionActors(IActorRef IpWindows, IActorRef Collector, IActorRef Enforcement, IActorRef Audit);

/// <summary>
/// The stream stage between the parser and the actors. Cuts the entry stream into seconds of event time;
/// closing a second sends one micro-batch per active IP to its window entity, waits for all answers, has
/// Enforcement apply the verdicts (sorted, so replay is deterministic), then feeds the site-wide second,
/// without banned traffic, to the global rule and the baseline. Called by one stream stage at a time.
/// </summary>
public sealed class DetectionCoordinator
{
    private static readonly TimeSpan EnforcementTimeout = TimeSpan.FromSeconds(30);

    private readonly DetectorOptions _options;
    private readonly DetectionActors _actors;
    private readonly EventClock _clock;
    private readonly DetectionStats _stats;
    private readonly BaselineModel _baseline;
    private readonly SlidingWindow _global;
    private readonly GlobalEpisodeTracker _episodes;

    private readonly Dictionary<IpKey, IpSecondAccumulator> _second = new();
    private readonly Stack<IpSecondAccumulator> _spare = new();
    private readonly Dictionary<IpKey, int> _minuteRequests = new();
    private readonly Dictionary<IpKey, long> _lastSeen = new();
    private readonly HashSet<IpKey> _banned = new();

    private long _openSecond = long.MinValue;
    private SecondCounts _siteSecond;
    private long _sliceId;
    private long? _nextExpiry;

    public DetectionCoordinator(DetectorOptions options, DetectionActors actors, EventClock clock, DetectionStats stats)
    {
        _options = options;
        _actors = actors;
        _clock = clock;
        _stats = stats;
        _baseline = new BaselineModel(options.Baseline, options.Detection);
        _global = new SlidingWindow(options.Detection.WindowSeconds);
        _episodes = new GlobalEpisodeTracker(options.Detection);
        stats.Baseline = _baseline.Current;
    }

    /// <summary>Adds a parsed batch to the open second(s), closing every second the watermark has passed.</summary>
    public async Task ProcessAsync(EntryBatch batch)
    {
        var watermark = _clock.Observe(batch.Entries, batch.Count);
        var late = 0L;
        for (var i = 0; i < batch.Count; i++)
        {
            var entry = batch.Entries[i];
            var second = entry.TimeMs / 1000;
            if (_openSecond == long.MinValue) _openSecond = second;
            if (second > _openSecond) await CloseUntilAsync(second);
            else if (second < _openSecond) late++;
            Accumulate(entry);
        }
        if (late > 0) _stats.AddLateClamped(late);
        await CloseUntilAsync(watermark / 1000);
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
        if (!_second.TryGetValue(entry.Ip, out var acc))
        {
            acc = _spare.Count > 0 ? _spare.Pop() : new IpSecondAccumulator();
            _second[entry.Ip] = acc;
        }
        acc.Add(entry);
        _siteSecond += SecondCounts.Of(entry.Status);
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
        var replies = _second.Count > 0 ? await EvaluateIpsAsync(second) : null;
        await EnforceAsync(now, replies);

        var site = _siteSecond;
        foreach (var (ip, acc) in _second)
        {
            if (_banned.Contains(ip)) site -= acc.Counts;
            else _minuteRequests[ip] = _minuteRequests.GetValueOrDefault(ip) + acc.Counts.Requests;
            _lastSeen[ip] = second;
        }

        _global.Add(second, site);
        var rate = _global.Totals.Requests / (double)_options.Detection.WindowSeconds;
        _stats.SetGlobalRate(rate);
        var (anomalous, alert) = _episodes.Evaluate(second, rate, _baseline.Current);
        if (alert is not null)
        {
            _stats.AddAlert();
            _actors.Audit.Tell(AuditEvent.Alert(alert));
        }
        _baseline.RecordSecond(second, site, anomalous);

        if (now % 60 == 0) CloseMinute(now);
        if (now % _options.Baseline.RecomputeSeconds == 0)
        {
            var snapshot = _baseline.Recompute(now);
            _stats.Baseline = snapshot;
            _actors.Audit.Tell(AuditEvent.BaselineRecomputed(snapshot, rate));
        }

        foreach (var acc in _second.Values)
        {
            acc.Reset();
            _spare.Push(acc);
        }
        _second.Clear();
        _siteSecond = default;
        _stats.AddSecondClosed();
    }

    private async Task<List<IpEvaluated>> EvaluateIpsAsync(long second)
    {
        var slice = ++_sliceId;
        var done = new TaskCompletionSource<List<IpEvaluated>>(TaskCreationOptions.RunContinuationsAsynchronously);
        _actors.Collector.Tell(new ExpectReplies(slice, _second.Count, done));
        var baseline = _baseline.Current;
        foreach (var (ip, acc) in _second)
            _actors.IpWindows.Tell(new IpSecondObserved(ip, second, acc.Counts, acc.Paths, acc.Agents, baseline, slice, _actors.Collector));
        return await done.Task;
    }

    private async Task EnforceAsync(long now, List<IpEvaluated>? replies)
    {
        List<IpEvaluated>? offenders = null;
        if (replies is not null)
            foreach (var reply in replies)
                if (reply.Verdict is not null && !_banned.Contains(reply.Ip)) (offenders ??= []).Add(reply);

        var due = _nextExpiry is { } expiry && expiry <= now;
        if (offenders is null && !due && _clock.Mode == ClockMode.Replay) return;

        offenders?.Sort((a, b) => a.Ip.CompareTo(b.Ip));
        var verdicts = offenders?.Select(o => o.Verdict!).ToList() ?? [];
        var applied = await _actors.Enforcement.Ask<EnforcementApplied>(
            new ApplyVerdicts(now, verdicts, _baseline.Current), EnforcementTimeout);
        _nextExpiry = applied.NextExpiry;

        foreach (var e in applied.Events)
        {
            switch (e)
            {
                case IpBanned banned:
                    _stats.AddBan();
                    _banned.Add(banned.Ip);
                    _minuteRequests.Remove(banned.Ip);
                    var reply = offenders?.Find(o => o.Ip == banned.Ip);
                    if (reply?.Buckets is not null) ForgetLearnedTraffic(reply.Buckets, now - 1);
                    break;
                case IpUnbanned unbanned:
                    _stats.AddUnban();
                    _banned.Remove(unbanned.Ip);
                    break;
            }
        }
    }

    /// <summary>A banned IP's traffic before the current second must not stay in the global window or the baseline.</summary>
    private void ForgetLearnedTraffic((long Second, SecondCounts Counts)[] buckets, long currentSecond)
    {
        foreach (var (second, counts) in buckets)
        {
            if (second >= currentSecond) continue;
            _global.Add(second, default(SecondCounts) - counts);
            _baseline.Forget(second, counts);
        }
    }

    private void CloseMinute(long now)
    {
        var rates = new int[_minuteRequests.Count];
        var i = 0;
        foreach (var requests in _minuteRequests.Values) rates[i++] = requests;
        _baseline.RecordIpMinute(now, rates);
        _minuteRequests.Clear();

        var idleBefore = now - _options.Detection.WindowSeconds - 60;
        List<IpKey>? idle = null;
        foreach (var (ip, last) in _lastSeen)
            if (last < idleBefore) (idle ??= []).Add(ip);
        if (idle is null) return;
        foreach (var ip in idle)
        {
            _lastSeen.Remove(ip);
            _actors.IpWindows.Tell(new IpIdle(ip));
        }
    }
}
