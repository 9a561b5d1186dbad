using System.Runtime;
using Detector.Pipeline;

namespace Detector.Host.Composition;

/// <summary>
/// Live verbs only: every <see cref="Period"/> looks at the tracked addresses (<see cref="DetectionStats.Addresses"/>)
/// and, when <see cref="MemoryTrimPolicy"/> says so, runs one aggressive compacting collection so the memory of a
/// finished churn goes back to the system (docs/architecture.md, bounded state).
/// </summary>
public sealed class MemoryTrimmer(DetectionStats stats, TimeProvider time, ILogger<MemoryTrimmer> logger) : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(15);
    /// <summary>Tracks dropped since the peak before a trim is worth its pause (a track and its entity are a few
    /// hundred bytes to a few kilobytes: 20,000 of them are tens of megabytes).</summary>
    public const int MinDrop = 20_000;

    private readonly MemoryTrimPolicy _policy = new(MinDrop);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!_policy.ShouldTrim(stats.Addresses.Tracked)) continue;
            var before = GC.GetTotalMemory(forceFullCollection: false);
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            logger.LogInformation("Tracked addresses fell to {Tracked}: memory trimmed, heap {Before} MB -> {After} MB",
                stats.Addresses.Tracked, before >> 20, GC.GetTotalMemory(forceFullCollection: false) >> 20);
        }
    }
}
