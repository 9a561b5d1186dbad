using System.Net.NetworkInformation;
using Detector.Domain;

namespace Detector.Enforcement;

/// <summary>Why an address may never be banned. <paramref name="AuditReason"/> is the ALLOWLISTED (or BAN_REFUSED)
/// line's last field; <paramref name="Explanation"/> completes "203.0.113.9 is not banned: ...".</summary>
public sealed record BanExemption(string AuditReason, string Explanation);

/// <summary>
/// Addresses Detector never bans, and what a range ban may not cover (<see cref="FindWithin"/>): addresses that are no client's
/// (unspecified, broadcast, multicast), loopback, the host's own addresses, <c>Detector:Allowlist</c> and
/// <c>Detector:TrustedProxies</c>. Banning a proxy would ban every client behind it; banning the host cuts Detector
/// off from itself; an unspecified or multicast "client" is forged, and the kernel refuses such set members anyway.
/// Immutable: the enforcement actor swaps in a copy with fresh host addresses (<see cref="WithHostAddresses"/>).
/// </summary>
public sealed class BanExemptions
{
    private static readonly (Cidr Block, BanExemption Why)[] NoClient =
    [
        (Cidr.Loopback4, new("loopback", "it is a loopback address")),
        (Cidr.Loopback6, new("loopback", "it is a loopback address")),
        (Cidr.Unspecified4, new("unspecified", "it is the unspecified address (0.0.0.0/8), never a client's")),
        (Cidr.Unspecified6, new("unspecified", "it is the unspecified address (::), never a client's")),
        (Cidr.Broadcast4, new("broadcast", "it is the broadcast address, never a client's")),
        (Cidr.Multicast4, new("multicast", "it is a multicast address, never a client's")),
        (Cidr.Multicast6, new("multicast", "it is a multicast address, never a client's")),
    ];

    private static readonly BanExemption HostAddress = new("host_address", "it is an address of this host");

    private readonly HashSet<IpKey> _hostAddresses;
    private readonly Allowlist _allowlist;
    private readonly Allowlist _trustedProxies;

    public BanExemptions(IEnumerable<IpKey> hostAddresses, Allowlist allowlist, Allowlist trustedProxies)
    {
        _hostAddresses = hostAddresses.ToHashSet();
        _allowlist = allowlist;
        _trustedProxies = trustedProxies;
    }

    /// <summary>Only the addresses that are never a client's (loopback, unspecified, broadcast, multicast).</summary>
    public static BanExemptions LoopbackOnly { get; } = new([], Allowlist.Empty, Allowlist.Empty);

    public static BanExemptions FromOptions(IReadOnlyList<string> allowlist, IReadOnlyList<string> trustedProxies, IEnumerable<IpKey> hostAddresses) =>
        new(hostAddresses,
            Allowlist.Parse(allowlist, "Detector:Allowlist"),
            Allowlist.Parse(trustedProxies, "Detector:TrustedProxies"));

    public IReadOnlySet<IpKey> HostAddresses => _hostAddresses;

    /// <summary>The same lists with this host's addresses as they are now.</summary>
    public BanExemptions WithHostAddresses(IEnumerable<IpKey> hostAddresses) => new(hostAddresses, _allowlist, _trustedProxies);

    /// <summary>The exemption that applies to <paramref name="ip"/>, or null when it may be banned.</summary>
    public BanExemption? Find(IpKey ip)
    {
        foreach (var (block, why) in NoClient)
            if (block.Contains(ip)) return why;
        if (_hostAddresses.Contains(ip)) return HostAddress;
        if (_allowlist.Match(ip) is { } allowed)
            return new BanExemption($"allowlist={allowed}", $"it is in Detector:Allowlist ({allowed})");
        if (_trustedProxies.Match(ip) is { } proxy)
            return new BanExemption($"trusted_proxy={proxy}", $"it is a trusted proxy (Detector:TrustedProxies {proxy})");
        return null;
    }

    /// <summary>The first exemption with an address inside <paramref name="block"/>, or null.</summary>
    public BanExemption? FindWithin(Cidr block)
    {
        foreach (var (noClient, why) in NoClient)
            if (block.Overlaps(noClient)) return why;
        foreach (var host in _hostAddresses)
            if (block.Contains(host)) return HostAddress;
        foreach (var allowed in _allowlist.Blocks)
            if (block.Overlaps(allowed)) return new BanExemption($"allowlist={allowed}", $"it covers Detector:Allowlist ({allowed})");
        foreach (var proxy in _trustedProxies.Blocks)
            if (block.Overlaps(proxy)) return new BanExemption($"trusted_proxy={proxy}", $"it covers a trusted proxy (Detector:TrustedProxies {proxy})");
        return null;
    }

    /// <summary>Every unicast address on this machine's interfaces; empty if they cannot be read. The daemon's
    /// <see cref="EnforcementSetup.HostAddresses"/>; tests give their own.</summary>
    public static IReadOnlyList<IpKey> EnumerateHostAddresses()
    {
        try
        {
            return NetworkInterface.GetAllNetworkInterfaces()
                .SelectMany(n => n.GetIPProperties().UnicastAddresses)
                .Select(a => IpKey.FromAddress(a.Address))
                .Distinct()
                .ToList();
        }
        catch (NetworkInformationException)
        {
            return [];
        }
    }
}
