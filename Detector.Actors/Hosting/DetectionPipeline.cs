using Akka;
using Akka.Actor;
using Akka.Hosting;
using Akka.Streams;
using Akka.Streams.Dsl;
using Detector.Configuration;
using Detector.Pipeline;
using Detector.Ingest;
using Detector.Ingest.Clock;
using Microsoft.Extensions.Logging;
using Detector.Audit;
using Detector.Enforcement;
using Detector.IpWindows;

namespace Detector.Hosting;

/// <summary>How a pipeline run reads its log.</summary>
public sealed record PipelineRun(ClockMode Mode, bool FromStart)
{
    public static readonly PipelineRun Replay = new(ClockMode.Replay, FromStart: true);
    public static PipelineRun Live(bool fromStart) => new(ClockMode.Live, fromStart);
}

/// <summary>A running pipeline: completes at the end of a replay, or when stopped.</summary>
public sealed class PipelineHandle(Task completion, UniqueKillSwitch killSwitch)
{
    public Task Completion { get; } = completion;

    public void Stop() => killSwitch.Shutdown();
}

/// <summary>
/// LogSources (per file: LogTail → parse; several files merged in event time) → clock + detection coordinator → actors. In live mode a wall-clock tick is
/// merged in so quiet seconds close and unbans happen on time.
/// </summary>
public static class DetectionPipeline
{
    private sealed record ClockTick
    {
        public static readonly ClockTick Instance = new();
    }

    public static PipelineHandle Start(
        ActorSystem system,
        IActorRegistry registry,
        DetectorOptions options,
        PipelineRun run,
        IngestCounters counters,
        DetectionStats stats,
        TimeProvider wallClock,
        ILogger logger)
    {
        var actors = new DetectionActors(
            registry.Get<IpWindowActor>(),
            registry.Get<ReplyCollector>(),
            registry.Get<EnforcementActor>(),
            registry.Get<AuditWriter>());
        var clock = new EventClock(run.Mode, options.Clock, counters, wallClock);
        var coordinator = new DetectionCoordinator(options, actors, clock, stats, counters.Nextcloud);
        var stopAtEnd = run.Mode == ClockMode.Replay;
        var files = LogFiles.Resolve(options.Log, out var problems);
        var nextcloud = LogFiles.ResolveNextcloud(options.Log, out var nextcloudProblems);
        foreach (var problem in problems.Concat(nextcloudProblems)) logger.LogWarning("{Problem}", problem);
        Source<object, NotUsed> input = LogSources.Create(files, nextcloud, options.Log, counters, run.FromStart, stopAtEnd,
                (reason, line) => logger.LogWarning("Malformed log line ({Reason}): {Line}", reason.Name(), line))
            .Select(batch => (object)batch);
        if (run.Mode == ClockMode.Live)
        {
            var tick = TimeSpan.FromMilliseconds(options.Clock.TickMs);
            input = input.Merge(Source.Tick(tick, tick, (object)ClockTick.Instance).MapMaterializedValue(_ => NotUsed.Instance));
        }

        var (killSwitch, done) = input
            .ViaMaterialized(KillSwitches.Single<object>(), Keep.Right)
            .SelectAsync(1, async element =>
            {
                if (element is EntryBatch batch) await coordinator.ProcessAsync(batch);
                else await coordinator.TickAsync();
                return NotUsed.Instance;
            })
            .ToMaterialized(Sink.Ignore<NotUsed>(), Keep.Both)
            .Run(system.Materializer());

        return new PipelineHandle(FinishAsync(done, coordinator, stopAtEnd), killSwitch);
    }

    private static async Task FinishAsync(Task streamDone, DetectionCoordinator coordinator, bool closeLastSecond)
    {
        await streamDone;
        if (closeLastSecond) await coordinator.FinishAsync();
    }
}
