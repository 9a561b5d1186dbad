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

/// <summary>
/// A backend whose bans and unbans only change what it holds in memory; <see cref="FlushAsync"/> makes them take effect
/// together (the nginx backend: one file write and one reload). The firewall actor flushes <see cref="FlushDelay"/>
/// after the first change since the last flush, so a burst of bans costs one flush; a reconcile flushes too.
/// </summary>
public interface IBatchedFirewall : IFirewall
{
    TimeSpan FlushDelay { get; }

    /// <summary>Applies every change since the last successful flush; throws when it could not (the changes stay
    /// pending and the next flush or reconcile applies them).</summary>
    Task FlushAsync(CancellationToken cancellationToken = default);
}
