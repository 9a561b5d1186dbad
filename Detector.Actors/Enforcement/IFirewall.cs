using Detector.Enforcement.Firewall;
using Detector.Ingest;
using Detector.Domain;

namespace Detector.Enforcement;

/// <summary>
/// Applies desired state to the kernel. Decides nothing: the ledger says who is banned, and enforcement what each
/// ban's kernel target is (<see cref="BanExemptions.TargetFor"/>). Touches only Detector's
/// own set/chain/rules. Failing commands throw <see cref="FirewallCommandException"/> after their retries.
/// </summary>
public interface IFirewall
{
    string Name { get; }

    FirewallStats Stats { get; }

    /// <summary>Creates Detector's own sets/chains and hooks them in, idempotently (never duplicates a rule).</summary>
    Task PrepareAsync(CancellationToken cancellationToken = default);

    /// <param name="target">What to block: an address, or a range ban's network (chosen by enforcement, never here).</param>
    /// <param name="duration">null = permanent.</param>
    Task BanAsync(BanTarget target, TimeSpan? duration, CancellationToken cancellationToken = default);

    Task UnbanAsync(BanTarget target, CancellationToken cancellationToken = default);

    /// <summary>What Detector's own set/chain holds now.</summary>
    Task<IReadOnlyList<BanTarget>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Makes the kernel hold exactly the desired bans active at <paramref name="now"/>, in bulk.</summary>
    Task<ReconcileResult> ReconcileAsync(IReadOnlyCollection<DesiredBan> desired, long now, CancellationToken cancellationToken = default);
}
