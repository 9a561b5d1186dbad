using Akka.Actor;
using Akka.Hosting;
using Detector.Configuration;
using Detector.Pipeline;
using Detector.Hosting;
using Detector.Ingest;
using Microsoft.Extensions.Options;
using Detector.Enforcement;

namespace Detector.Host.Composition;

/// <summary>Starts the detection pipeline once the actor system is up; stops it with the host, and the host with it if it fails.</summary>
public sealed class PipelineService(
    ActorSystem system,
    ActorRegistry registry,
    IOptions<DetectorOptions> options,
    PipelineRun run,
    IngestCounters counters,
    DetectionStats stats,
    TimeProvider wallClock,
    IHostApplicationLifetime lifetime,
    ILogger<PipelineService> logger) : IHostedService
{
    private readonly TaskCompletionSource<PipelineHandle> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the pipeline ends (end of a replay, a stop, or a failure).</summary>
    public bool Started => _started.Task.IsCompleted;

    public async Task Completion() => await (await _started.Task).Completion;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await registry.GetAsync<EnforcementActor>(cancellationToken);
        var handle = DetectionPipeline.Start(system, registry, options.Value, run, counters, stats, wallClock, logger);
        logger.LogInformation("Following {Paths} ({Mode}, from {Start})",
            string.Join(", ", counters.Files.Select(f => f.Path).Concat(counters.Nextcloud.Files.Select(f => $"{f} (Nextcloud)"))), run.Mode,
            run.FromStart ? "start" : "end");
        _ = handle.Completion.ContinueWith(t =>
        {
            if (!t.IsFaulted) return;
            // A daemon that no longer detects must not look alive: stop so the supervisor restarts it.
            logger.LogCritical(t.Exception, "Detection pipeline failed; stopping");
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }, TaskScheduler.Default);
        _started.TrySetResult(handle);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (_started.Task.IsCompletedSuccessfully) _started.Task.Result.Stop();
        return Task.CompletedTask;
    }
}
