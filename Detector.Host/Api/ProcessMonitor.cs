using System.Diagnostics;
using Detector.Ingest;

namespace Detector.Host.Api;

/// <summary>
/// Samples the process once a second: CPU share, resident memory and the rate of log lines, each averaged over
/// the last few seconds, plus the uptime of this host. Read by /api/status and /metrics.
/// </summary>
public sealed class ProcessMonitor(IngestCounters counters, TimeProvider clock) : BackgroundService
{
    private const int WindowSamples = 5;

    private readonly long _startedAt = clock.GetTimestamp();
    private readonly Queue<Sample> _samples = new();
    private readonly Lock _lock = new();
    private volatile Figures _latest = new(0, 0, 0);

    private readonly record struct Sample(long Timestamp, TimeSpan Cpu, long Lines);

    /// <summary>CpuPercent is of one core, as top shows it (200 = two cores busy).</summary>
    public sealed record Figures(double CpuPercent, double MemoryMb, double LinesPerSecond);

    public TimeSpan Uptime => clock.GetElapsedTime(_startedAt);

    public Figures Latest => _latest;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var process = Process.GetCurrentProcess();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), clock);
        do
        {
            process.Refresh();
            Record(new Sample(clock.GetTimestamp(), process.TotalProcessorTime, counters.Lines), process.WorkingSet64);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private void Record(Sample sample, long workingSet)
    {
        lock (_lock)
        {
            _samples.Enqueue(sample);
            if (_samples.Count > WindowSamples + 1) _samples.Dequeue();
            var oldest = _samples.Peek();
            var seconds = clock.GetElapsedTime(oldest.Timestamp, sample.Timestamp).TotalSeconds;
            _latest = seconds <= 0
                ? new Figures(0, workingSet / 1048576.0, 0)
                : new Figures(
                    (sample.Cpu - oldest.Cpu).TotalSeconds / seconds * 100,
                    workingSet / 1048576.0,
                    (sample.Lines - oldest.Lines) / seconds);
        }
    }
}
