using Detector.Ingest;
using Microsoft.Extensions.Logging;
using Detector.Domain;
using Detector.Configuration;

namespace Detector.Enforcement.Firewall;

/// <summary>Logs what the default (ipset) backend would run and keeps the set it would have in memory, so
/// reconcile and the status API behave as with a kernel backend.</summary>
public sealed class DryRunFirewall(ILogger<DryRunFirewall> logger, FirewallSettings? settings = null) : IFirewall
{
    private readonly FirewallSettings _settings = settings ?? FirewallSettings.Default;
    private readonly Dictionary<BanTarget, long?> _set = new();
    private readonly Lock _gate = new();

    public string Name => FirewallBackend.DryRun.Name();
    public FirewallStats Stats { get; } = new(FirewallBackend.DryRun.Name());

    public Task PrepareAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task BanAsync(BanTarget target, TimeSpan? duration, CancellationToken cancellationToken = default)
    {
        var entry = new TargetEntry(target, Reconciliation.KernelTimeout(duration));
        lock (_gate) _set[entry.Target] = entry.TimeoutSeconds;
        logger.LogInformation("dry-run: would run {Command}", IpsetFirewall.Add(entry));
        return Task.CompletedTask;
    }

    public Task UnbanAsync(BanTarget target, CancellationToken cancellationToken = default)
    {
        lock (_gate) _set.Remove(target);
        logger.LogInformation("dry-run: would run {Command}", IpsetFirewall.Delete(target));
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<BanTarget>> ListAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate) return Task.FromResult<IReadOnlyList<BanTarget>>(_set.Keys.Order().ToList());
    }

    public Task<ReconcileResult> ReconcileAsync(IReadOnlyCollection<DesiredBan> desired, long now, CancellationToken cancellationToken = default)
    {
        var wanted = Reconciliation.DesiredTargets(desired, now);
        lock (_gate)
        {
            var diff = Reconciliation.Diff(wanted, _set.Keys.ToHashSet());
            foreach (var target in diff.ToRemove) _set.Remove(target);
            foreach (var entry in diff.ToAdd) _set[entry.Target] = entry.TimeoutSeconds;
            if (!diff.IsEmpty)
                logger.LogInformation("dry-run: reconcile would add {Added} and remove {Removed} entries", diff.ToAdd.Count, diff.ToRemove.Count);
            return Task.FromResult(new ReconcileResult(diff.ToAdd.Count, diff.ToRemove.Count, _set.Count));
        }
    }
}
