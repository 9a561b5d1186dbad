using System.Collections.Concurrent;
using Detector.Enforcement;
using Detector.Ingest;

namespace Detector.Tests.Support;

/// <summary>Records what enforcement asked of the firewall, in order.</summary>
public sealed class RecordingFirewall : IFirewall
{
    public ConcurrentQueue<(string Action, IpKey Ip, TimeSpan? Duration)> Calls { get; } = new();

    public string Name => "recording";

    public Task BanAsync(IpKey ip, TimeSpan? duration, CancellationToken cancellationToken = default)
    {
        Calls.Enqueue(("ban", ip, duration));
        return Task.CompletedTask;
    }

    public Task UnbanAsync(IpKey ip, CancellationToken cancellationToken = default)
    {
        Calls.Enqueue(("unban", ip, null));
        return Task.CompletedTask;
    }
}
