using Akka.Actor;
using Akka.Hosting;
using Detector.Audit;
using Detector.Baseline;
using Detector.Configuration;
using Detector.Pipeline;
using Detector.Enforcement;
using Detector.Host.Composition;
using Detector.Hosting;
using Detector.Ingest;
using Detector.Enforcement.Firewall;
using Microsoft.Extensions.Options;
using Detector.Domain;
using Detector.IpWindows;

namespace Detector.Host.Api;

/// <summary>The detector's state in the API's shapes: counters and stats read directly, entities and the ledger asked.</summary>
public sealed class DetectorQueries(
    ActorRegistry registry,
    IOptions<DetectorOptions> options,
    IngestCounters ingest,
    DetectionStats detection,
    FirewallStats firewall,
    RecentAuditEvents audit,
    ProcessMonitor process,
    PipelineService pipeline,
    TimeProvider wallClock)
{
    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    private int WindowSeconds => options.Value.Detection.WindowSeconds;

    /// <summary>The pipeline's event time, or the wall clock before the first closed second.</summary>
    public long Now => detection.EventNow ?? wallClock.GetUtcNow().ToUnixTimeSeconds();

    public async Task<StatusDto> StatusAsync(CancellationToken cancellation)
    {
        var bans = await BansAsync(cancellation);
        var newest = ingest.NewestEventMs;
        var figures = process.Latest;
        return new StatusDto(
            UptimeSeconds: Math.Round(process.Uptime.TotalSeconds, 1),
            Lines: ingest.Lines,
            LinesPerSecond: Math.Round(figures.LinesPerSecond, 1),
            Malformed: ingest.MalformedByReason().ToDictionary(kv => kv.Key, kv => kv.Value),
            LagSeconds: newest > 0 ? Math.Round((wallClock.GetUtcNow().ToUnixTimeMilliseconds() - newest) / 1000.0, 3) : null,
            EventTime: ApiTime.Iso(detection.EventNow),
            GlobalRate: Math.Round(detection.GlobalRate, 3),
            Baseline: Baseline(detection.Baseline),
            ActiveBans: bans.Active.Count + bans.Ranges.Count,
            CpuPercent: Math.Round(figures.CpuPercent, 1),
            MemoryMb: Math.Round(figures.MemoryMb, 1),
            Firewall: FirewallFigures(),
            Pipeline: PipelineState());
    }

    private FirewallDto FirewallFigures()
    {
        var figures = firewall.Snapshot();
        return new FirewallDto(figures.Backend, figures.Failures, figures.Applied);
    }

    public async Task<BansDto> ActiveBansAsync(CancellationToken cancellation)
    {
        var snapshot = await BansAsync(cancellation);
        var now = detection.EventNow ?? snapshot.Now ?? wallClock.GetUtcNow().ToUnixTimeSeconds();
        return new BansDto(snapshot.Active.Select(r => Ban(r, now)).Concat(snapshot.Ranges.Select(r => Ban(r, now))).ToList());
    }

    /// <summary>Null when the IP has neither traffic in its window nor a ledger record.</summary>
    public async Task<IpDto?> IpAsync(IpKey ip, CancellationToken cancellation)
    {
        var windows = await registry.GetAsync<IpWindowActor>(cancellation);
        var enforcement = await registry.GetAsync<EnforcementActor>(cancellation);
        var stateTask = windows.Ask<IpWindowState>(new GetIpWindowState(ip), AskTimeout, cancellation);
        var offenderTask = enforcement.Ask<OffenderInfo>(new GetOffender(ip), AskTimeout, cancellation);
        var (state, offender) = (await stateTask, await offenderTask);

        var neverSeen = state.LatestSecond == long.MinValue;
        // Asking started an entity for an IP it had not seen: let it go again, or idle probes would pile up entities.
        if (neverSeen) windows.Tell(new IpIdle(ip));
        if (neverSeen && offender.Record is null) return null;

        var window = state.Window;
        return new IpDto(
            ip.ToString(),
            window.Requests,
            window.Errors,
            Math.Round(state.Rate, 3),
            window.Requests > 0 ? Math.Round(window.Errors / (double)window.Requests, 3) : 0,
            state.LastVerdict is { } v ? new VerdictDto(v.Condition, v.Rate, v.Mean, v.Std, ApiTime.Iso(v.Second)) : null,
            // From the log: shown on the dashboard as text, but a bidi override or line separator would still act.
            state.RecentPaths.Select(UntrustedText.Neutralise).ToList(),
            state.RecentAgents.Select(UntrustedText.Neutralise).ToList(),
            offender.Record is { } r
                ? new OffenderDto(r.Offences, r.IsBanned, r.IsPermanent, ApiTime.Iso(r.BannedAt), ApiTime.Iso(r.ExpiresAt),
                    ApiTime.Iso(r.FirstSeen), ApiTime.Iso(r.LastSeen), r.LastCondition)
                : null);
    }

    public TopDto Top(int count) => new(detection.Top
        .Take(count)
        .Select(t => new TopIpDto(t.Ip.ToString(), t.Window.Requests, Math.Round(t.Window.Requests / (double)WindowSeconds, 3), t.Window.Errors, t.Banned))
        .ToList());

    /// <summary>The feed shows each event as its audit line and that line's fields.</summary>
    public AuditDto Audit(long? since, int limit) => new(audit.Since(since, limit).Select(AuditEvent.Of).Select(e => new AuditEventDto(
        ApiTime.Iso(e.At), e.Action, e.Subject, e.Condition, e.Rate, e.Baseline, e.Duration, e.Format())).ToList());

    public SeriesDto Series() => new(detection.Series.Snapshot().Select(p => new SeriesPointDto(
        ApiTime.Iso(p.Second), Math.Round(p.Rate, 3), Math.Round(p.Mean, 3), Math.Round(p.Lower, 3), Math.Round(p.Upper, 3))).ToList());

    public async Task<ManualActionResult> BanAsync(IpKey ip, TimeSpan? duration, CancellationToken cancellation)
    {
        var enforcement = await registry.GetAsync<EnforcementActor>(cancellation);
        return await enforcement.Ask<ManualActionResult>(new BanManually(ip, duration, Now), AskTimeout, cancellation);
    }

    public async Task<ManualActionResult> UnbanRangeAsync(BanTarget range, CancellationToken cancellation)
    {
        var enforcement = await registry.GetAsync<EnforcementActor>(cancellation);
        return await enforcement.Ask<ManualActionResult>(new UnbanRangeManually(range, Now), AskTimeout, cancellation);
    }

    public async Task<ManualActionResult> UnbanAsync(IpKey ip, CancellationToken cancellation)
    {
        var enforcement = await registry.GetAsync<EnforcementActor>(cancellation);
        return await enforcement.Ask<ManualActionResult>(new UnbanManually(ip, Now), AskTimeout, cancellation);
    }

    public async Task<BansSnapshot> BansAsync(CancellationToken cancellation)
    {
        var enforcement = await registry.GetAsync<EnforcementActor>(cancellation);
        return await enforcement.Ask<BansSnapshot>(GetBans.Instance, AskTimeout, cancellation);
    }

    public string PipelineState()
    {
        var completion = pipeline.Completion();
        if (!completion.IsCompleted) return pipeline.Started ? "running" : "starting";
        return completion.IsCompletedSuccessfully ? "stopped" : "failed";
    }

    private static BanDto Ban(OffenderRecord r, long now) => new(
        r.Ip.ToString(),
        r.Offences,
        r.LastCondition,
        ApiTime.Iso(r.BannedAt ?? now),
        ApiTime.Iso(r.ExpiresAt),
        r.ExpiresAt is { } expires ? Math.Max(0, expires - now) : null,
        r.IsPermanent);

    private static BanDto Ban(RangeRecord r, long now) => new(
        r.Range.ToString(),
        r.Offences,
        r.LastCondition,
        ApiTime.Iso(r.BannedAt ?? now),
        ApiTime.Iso(r.ExpiresAt),
        r.ExpiresAt is { } expires ? Math.Max(0, expires - now) : null,
        r.IsBanned && r.ExpiresAt is null,
        r.Members.Select(m => m.ToString()).ToList());

    private static BaselineDto Baseline(BaselineSnapshot? b) => b is null
        ? new BaselineDto(0, 0, 0, 0, 0, 0, "none", false, 0)
        : new BaselineDto(Math.Round(b.Mean, 3), Math.Round(b.Std, 3), Math.Round(b.Std60, 3), Math.Round(b.ErrorRate, 4),
            Math.Round(b.IpMean, 3), Math.Round(b.IpStd, 3), string.IsNullOrEmpty(b.Slot) ? "-" : b.Slot, b.Warm, b.Points);
}
