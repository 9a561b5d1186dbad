using System.Net.NetworkInformation;
using Detector.Ingest;
using Detector.Domain;

namespace Detector.Enforcement;

/// <summary>Why an address may never be banned. <paramref name="AuditReason"/> is the ALLOWLISTED line's last
/// field; <paramref name="Explanation"/> completes "203.0.113.9 is not banned: ...".</summary>
public sealed record BanExemption(string AuditReason, string Explanation);

/// <summary>
/// Addresses Detector never bans: loopback, the host's own addresses, <c>Detector:Allowlist</c> and
/// <c>Detector:TrustedProxies</c>. Banning a proxy would ban every client behind it; banning the host cuts
/// Detector off from itself.
/// </summary>
public sealed class BanExemptions
{
    private readonly HashSet<IpKey> _hostAddresses;
    private readonly Allowlist _allowlist;
    private readonly Allowlist _trustedProxies;

    public BanExemptions(IEnumerable<IpKey> hostAddresses, Allowlist allowlist, Allowlist trustedProxies)
    {
        _hostAddresses = hostAddresses.ToHashSet();
        _allowlist = allowlist;
        _trustedProxies = trustedProxies;
    }

    /// <summary>Only loopback is exempt.</summary>
    public static BanExemptions LoopbackOnly { get; } = new([], Allowlist.Empty, Allowlist.Empty);

    public static BanExemptions FromOptions(IReadOnlyList<string> allowlist, IReadOnlyList<string> trustedProxies, IEnumerable<IpKey> hostAddresses) =>
        new(hostAddresses,
            Allowlist.Parse(allowlist, "Detector:Allowlist"),
            Allowlist.Parse(trustedProxies, "Detector:TrustedProxies"));

    /// <summary>The exemption that applies to <paramref name="ip"/>, or null when it may be banned.</summary>
    public BanExemption? Find(IpKey ip)
    {
        if (Cidr.Loopback4.Contains(ip) || Cidr.Loopback6.Contains(ip))
            return new BanExemption("loopback", "it is a loopback address");
        if (_hostAddresses.Contains(ip))
            return new BanExemption("host_address", "it is an address of this host");
        if (_allowlist.Match(ip) is { } allowed)
            return new BanExemption($"allowlist={allowed}", $"it is in Detector:Allowlist ({allowed})");
        if (_trustedProxies.Match(ip) is { } proxy)
            return new BanExemption($"trusted_proxy={proxy}", $"it is a trusted proxy (Detector:TrustedProxies {proxy})");
        return null;
    }

    /// <summary>Every unicast address on this machine's interfaces; empty if they cannot be read.</summary>
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
