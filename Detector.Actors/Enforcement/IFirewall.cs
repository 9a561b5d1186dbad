using Detector.Ingest;

namespace Detector.Enforcement;

/// <summary>Applies desired state to the kernel. Decides nothing: the ledger says who is banned.</summary>
public interface IFirewall
{
    string Name { get; }

    /// <param name="duration">null = permanent.</param>
    Task BanAsync(IpKey ip, TimeSpan? duration, CancellationToken cancellationToken = default);

    Task UnbanAsync(IpKey ip, CancellationToken cancellationToken = default);
}
