using Detector.Configuration;

namespace Detector.Enforcement.Firewall;

/// <summary>How a kernel backend names and sizes what it owns.</summary>
public sealed record FirewallSettings
{
    public const string Ipv4Set = "detector-v4";
    public const string Ipv6Set = "detector-v6";
    public const string NftTable = "detector";
    public const string NftIpv4Set = "banned_v4";
    public const string NftIpv6Set = "banned_v6";
    /// <summary>The comment that marks the iptables backend's own per-IP rules.</summary>
    public const string RuleComment = "detector";
    public const string InputChain = "INPUT";
    /// <summary>Docker's hook for traffic to published ports, which passes FORWARD and never INPUT.</summary>
    public const string DockerUserChain = "DOCKER-USER";

    public static readonly FirewallSettings Default = new();

    /// <summary>The widest IPv6 network a ban may block (<c>Enforcement:Ipv6Range</c>; 128 without range bans): below 128
    /// the IPv6 set is made to hold networks (ipset hash:net, nftables interval). Which target each ban gets is
    /// enforcement's choice.</summary>
    public int Ipv6PrefixLength { get; init; } = 128;

    /// <summary>The same for IPv4 (<c>Enforcement:Ipv4Range</c>; 32 without range bans).</summary>
    public int Ipv4PrefixLength { get; init; } = 32;

    /// <summary>Whether the family's set must hold networks.</summary>
    public bool HoldsNetworks(bool v6) => v6 ? Ipv6PrefixLength < 128 : Ipv4PrefixLength < 32;

    public static FirewallSettings For(EnforcementOptions options) => new()
    {
        Ipv6PrefixLength = options.Ipv6Range.Enabled ? options.Ipv6Range.PrefixLength : 128,
        Ipv4PrefixLength = options.Ipv4Range.Enabled ? options.Ipv4Range.PrefixLength : 32,
        HookDockerUser = options.DockerUser,
    };

    /// <summary>Hook DOCKER-USER as well as INPUT when Docker created it (ipset and iptables backends). Off is the
    /// classic INPUT-only setup, which misses traffic to Docker-published ports.</summary>
    public bool HookDockerUser { get; init; } = true;

    /// <summary>ipset maxelem: room for every ban of a large attack (the kernel default, 65536, is too small).</summary>
    public int MaxEntries { get; init; } = 1 << 20;

    /// <summary>Entries per line in bulk nft input.</summary>
    public int BatchSize { get; init; } = 1000;
}
