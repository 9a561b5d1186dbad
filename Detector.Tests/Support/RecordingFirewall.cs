using System.Collections.Concurrent;
using Detector.Enforcement;
using Detector.Enforcement.Firewall;
using Detector.Ingest;
using Detector.Domain;

namespace Detector.Tests.Support;

/// <summary>Records what enforcement asked of the firewall, in order. Reconciles are counted apart.</summary>
public sealed class RecordingFirewall : IFirewall
{
    /// <summary>Ip is the target's network: the address itself for a host target.</summary>
    public ConcurrentQueue<(string Action, IpKey Ip, TimeSpan? Duration, BanTarget Target)> Calls { get; } = new();

    public ConcurrentQueue<IReadOnlyCollection<DesiredBan>> Reconciles { get; } = new();

    public string Name => "recording";

    public FirewallStats Stats { get; } = new("recording");

    public Task PrepareAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task BanAsync(BanTarget target, TimeSpan? duration, CancellationToken cancellationToken = default)
    {
        Calls.Enqueue(("ban", target.Network, duration, target));
        return Task.CompletedTask;
    }

    public Task UnbanAsync(BanTarget target, CancellationToken cancellationToken = default)
    {
        Calls.Enqueue(("unban", target.Network, null, target));
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<BanTarget>> ListAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<BanTarget>>([]);

    public Task<ReconcileResult> ReconcileAsync(IReadOnlyCollection<DesiredBan> desired, long now, CancellationToken cancellationToken = default)
    {
        Reconciles.Enqueue(desired);
        return Task.FromResult(new ReconcileResult(0, 0, desired.Count));
    }
}
