using Detector.Enforcement.Firewall;
using Detector.Ingest;
using Detector.Domain;

namespace Detector.Enforcement;

/// <summary>
/// Applies desired state to the kernel. Decides nothing: the ledger says who is banned. Touches only Detector's
/// own set/chain/rules. Failing commands throw <see cref="FirewallCommandException"/> after their retries.
/// </summary>
public interface IFirewall
{
    string Name { get; }

    /// <summary>IPv6 bans block this prefix of the banned address (128 = the address alone).</summary>
    int Ipv6PrefixLength { get; }

    FirewallStats Stats { get; }

    /// <summary>Creates Detector's own sets/chains and hooks them in, idempotently (never duplicates a rule).</summary>
    Task PrepareAsync(CancellationToken cancellationToken = default);

    /// <param name="duration">null = permanent.</param>
    Task BanAsync(IpKey ip, TimeSpan? duration, CancellationToken cancellationToken = default);

    Task UnbanAsync(IpKey ip, CancellationToken cancellationToken = default);

    /// <summary>What Detector's own set/chain holds now.</summary>
    Task<IReadOnlyList<BanTarget>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Makes the kernel hold exactly the desired bans active at <paramref name="now"/>, in bulk.</summary>
    Task<ReconcileResult> ReconcileAsync(IReadOnlyCollection<DesiredBan> desired, long now, CancellationToken cancellationToken = default);
}
