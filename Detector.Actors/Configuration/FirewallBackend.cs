using System.ComponentModel;

namespace Detector.Configuration;

/// <summary>
/// Where bans go (<c>Detector:Enforcement:Firewall</c>, <c>--firewall</c>). Spelled in configuration, on the command
/// line and in the API as <c>auto</c>, <c>ipset</c>, <c>nftables</c>, <c>iptables</c>, <c>dry-run</c> and <c>cloudflare</c>
/// (<see cref="FirewallBackends"/> is the one place that reads and writes these names).
/// </summary>
[TypeConverter(typeof(FirewallBackendConverter))]
public enum FirewallBackend
{
    /// <summary>What the host supports: ipset, else nftables, else iptables; dry-run without CAP_NET_ADMIN.</summary>
    Auto,
    /// <summary>An ipset per address family, hooked into INPUT (and DOCKER-USER) by iptables rules.</summary>
    Ipset,
    /// <summary>Detector's own nftables table (<c>inet detector</c>) with a set per address family.</summary>
    Nftables,
    /// <summary>One commented DROP rule per banned IP in INPUT (and DOCKER-USER).</summary>
    Iptables,
    /// <summary>Blocks nothing: logs what it would run and keeps the set in memory.</summary>
    DryRun,
    /// <summary>Items of Detector's own Cloudflare IP list, blocked at Cloudflare's edge by a WAF custom rule.</summary>
    Cloudflare,
}

/// <summary>The names of <see cref="FirewallBackend"/> as configuration and the CLI spell them.</summary>
public static class FirewallBackends
{
    public static IReadOnlyList<FirewallBackend> All { get; } = Enum.GetValues<FirewallBackend>();

    /// <summary>"auto, ipset, nftables, iptables, dry-run, cloudflare", for messages.</summary>
    public static string NameList { get; } = string.Join(", ", All.Select(Name));

    /// <summary>The configuration spelling: "auto", "ipset", "nftables", "iptables", "dry-run", "cloudflare".</summary>
    public static string Name(this FirewallBackend backend) => backend switch
    {
        FirewallBackend.Auto => "auto",
        FirewallBackend.Ipset => "ipset",
        FirewallBackend.Nftables => "nftables",
        FirewallBackend.Iptables => "iptables",
        FirewallBackend.DryRun => "dry-run",
        FirewallBackend.Cloudflare => "cloudflare",
        _ => throw new ArgumentOutOfRangeException(nameof(backend), backend, null),
    };

    /// <summary>A name as above, case-insensitive and trimmed; "nft" and "dryrun" are accepted too.</summary>
    public static bool TryParse(string? text, out FirewallBackend backend)
    {
        FirewallBackend? parsed = text?.Trim().ToLowerInvariant() switch
        {
            "auto" => FirewallBackend.Auto,
            "ipset" => FirewallBackend.Ipset,
            "nftables" or "nft" => FirewallBackend.Nftables,
            "iptables" => FirewallBackend.Iptables,
            "dry-run" or "dryrun" => FirewallBackend.DryRun,
            "cloudflare" => FirewallBackend.Cloudflare,
            _ => null,
        };
        backend = parsed ?? default;
        return parsed is not null;
    }

    /// <exception cref="FormatException">Not a backend name; the message lists the names.</exception>
    public static FirewallBackend Parse(string text) =>
        TryParse(text, out var backend) ? backend : throw new FormatException($"'{text}' is not a firewall backend ({NameList}).");
}

/// <summary>Lets the configuration binder read <see cref="FirewallBackend"/> by its configuration names.</summary>
public sealed class FirewallBackendConverter() : NamedEnumConverter<FirewallBackend>(FirewallBackends.Parse, FirewallBackends.Name);
