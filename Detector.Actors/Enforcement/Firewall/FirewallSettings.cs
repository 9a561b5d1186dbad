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

    /// <summary><c>Enforcement:Ipv6PrefixLength</c>: below 128 the IPv6 set is made to hold networks (ipset hash:net,
    /// nftables interval). Which target each ban gets is enforcement's choice (<see cref="BanExemptions.TargetFor"/>).</summary>
    public int Ipv6PrefixLength { get; init; } = 128;

    /// <summary>Hook DOCKER-USER as well as INPUT when Docker created it (ipset and iptables backends). Off is the
    /// classic INPUT-only setup, which misses traffic to Docker-published ports.</summary>
    public bool HookDockerUser { get; init; } = true;

    /// <summary>ipset maxelem: room for every ban of a large attack (the kernel default, 65536, is too small).</summary>
    public int MaxEntries { get; init; } = 1 << 20;

    /// <summary>Entries per line in bulk nft input.</summary>
    public int BatchSize { get; init; } = 1000;
}
