using Detector.Domain;

namespace Detector.Enforcement;

/// <summary>Where this host's own addresses come from. The enforcement actor reads it at start, every
/// <see cref="EnforcementSetup.HostAddressRefresh"/> and before a ban, so an address the host gains later (DHCP, IPv6
/// privacy addresses) is never banned. The daemon reads its interfaces; tests give their own.</summary>
public interface IHostAddressSource
{
    IReadOnlyCollection<IpKey> Read();
}

/// <summary>The unicast addresses of this machine's network interfaces.</summary>
public sealed class InterfaceHostAddresses : IHostAddressSource
{
    public static readonly InterfaceHostAddresses Instance = new();

    public IReadOnlyCollection<IpKey> Read() => BanExemptions.EnumerateHostAddresses();
}

/// <summary>A fixed set of host addresses (replay, tests).</summary>
public sealed class FixedHostAddresses(IEnumerable<IpKey> addresses) : IHostAddressSource
{
    private readonly IReadOnlyCollection<IpKey> _addresses = addresses.ToArray();

    public IReadOnlyCollection<IpKey> Read() => _addresses;
}
