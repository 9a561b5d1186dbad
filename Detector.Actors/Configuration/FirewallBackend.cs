using System.ComponentModel;

namespace Detector.Configuration;

/// <summary>
/// Where bans go (<c>Detector:Enforcement:Firewall</c>, <c>--firewall</c>). Spelled in configuration, on the command
/// line and in the API as <c>auto</c>, <c>ipset</c>, <c>nftables</c>, <c>iptables</c>, <c>nginx</c>, <c>cloudflare</c> and <c>dry-run</c>
/// (<see cref="FirewallBackends"/> is the one place that reads and writes these names). Several at once are a
/// comma-separated list (<c>ipset,nginx</c>): each backend applies every ban and is reconciled on its own.
/// </summary>
[Flags]
[TypeConverter(typeof(FirewallBackendConverter))]
public enum FirewallBackend
{
    /// <summary>What the host supports: ipset, else nftables, else iptables; dry-run without CAP_NET_ADMIN.</summary>
    Auto = 1,
    /// <summary>An ipset per address family, hooked into INPUT (and DOCKER-USER) by iptables rules.</summary>
    Ipset = 2,
    /// <summary>Detector's own nftables table (<c>inet detector</c>) with a set per address family.</summary>
    Nftables = 4,
    /// <summary>One commented DROP rule per banned IP in INPUT (and DOCKER-USER).</summary>
    Iptables = 8,
    /// <summary>Blocks nothing: logs what it would run and keeps the set in memory.</summary>
    DryRun = 16,
    /// <summary>An Nginx include (a <c>geo</c> of banned client addresses) that Nginx answers with 403 or 444; keyed
    /// on the client address after <c>real_ip</c>, so it works behind a CDN.</summary>
    Nginx = 32,
    /// <summary>Items of Detector's own Cloudflare IP list, blocked at Cloudflare's edge by a WAF custom rule.</summary>
    Cloudflare = 64,
}

/// <summary>The names of <see cref="FirewallBackend"/> as configuration and the CLI spell them.</summary>
public static class FirewallBackends
{
    /// <summary>Every single backend, in the order lists are written.</summary>
    public static IReadOnlyList<FirewallBackend> All { get; } = Enum.GetValues<FirewallBackend>();

    /// <summary>"auto, ipset, nftables, iptables, dry-run, nginx, cloudflare", for messages.</summary>
    public static string NameList { get; } = string.Join(", ", All.Select(Name));

    /// <summary>The single backends a value holds, in <see cref="All"/>'s order.</summary>
    public static IReadOnlyList<FirewallBackend> Members(this FirewallBackend backends) =>
        All.Where(b => backends.HasFlag(b)).ToList();

    /// <summary>The backends that work in the kernel (and <see cref="FirewallBackend.Auto"/>, which picks one).</summary>
    public const FirewallBackend Kernel = FirewallBackend.Auto | FirewallBackend.Ipset | FirewallBackend.Nftables | FirewallBackend.Iptables;

    /// <summary>The backend that runs in this host (a kernel backend, <c>auto</c>, or dry-run standing in for one):
    /// what is left of a list without the backends that block elsewhere (Nginx, Cloudflare); 0 when none.</summary>
    public static FirewallBackend OnThisHost(this FirewallBackend backends) =>
        backends & ~(FirewallBackend.Nginx | FirewallBackend.Cloudflare);

    /// <summary>Whether a value is one backend or a list of them that can run together: nothing unknown, at most one
    /// kernel backend (two would fight over the same hooks), and dry-run only alone (it blocks nothing, so beside a
    /// real backend it would only hide that one's figures).</summary>
    public static bool IsValid(this FirewallBackend backends)
    {
        var members = backends.Members();
        var known = members.Aggregate(0, (all, b) => all | (int)b);
        return members.Count > 0 && known == (int)backends
            && (backends & Kernel).Members().Count <= 1
            && (members.Count == 1 || !backends.HasFlag(FirewallBackend.DryRun));
    }

    /// <summary>The configuration spelling: "auto", "ipset", "nftables", "iptables", "dry-run", "nginx", "cloudflare"; a list as
    /// "ipset,nginx".</summary>
    public static string Name(this FirewallBackend backend) => backend switch
    {
        FirewallBackend.Auto => "auto",
        FirewallBackend.Ipset => "ipset",
        FirewallBackend.Nftables => "nftables",
        FirewallBackend.Iptables => "iptables",
        FirewallBackend.DryRun => "dry-run",
        FirewallBackend.Nginx => "nginx",
        FirewallBackend.Cloudflare => "cloudflare",
        _ when backend.IsValid() => string.Join(',', backend.Members().Select(Name)),
        _ => throw new ArgumentOutOfRangeException(nameof(backend), backend, null),
    };

    /// <summary>A name as above, case-insensitive and trimmed; "nft" and "dryrun" are accepted too. A comma-separated
    /// list gives every backend named (dry-run only alone).</summary>
    public static bool TryParse(string? text, out FirewallBackend backend)
    {
        backend = default;
        if (text is null) return false;
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            FirewallBackend? parsed = part.ToLowerInvariant() switch
            {
                "auto" => FirewallBackend.Auto,
                "ipset" => FirewallBackend.Ipset,
                "nftables" or "nft" => FirewallBackend.Nftables,
                "iptables" => FirewallBackend.Iptables,
                "dry-run" or "dryrun" => FirewallBackend.DryRun,
                "nginx" => FirewallBackend.Nginx,
                "cloudflare" => FirewallBackend.Cloudflare,
                _ => null,
            };
            if (parsed is null) return false;
            backend |= parsed.Value;
        }
        return backend.IsValid();
    }

    /// <exception cref="FormatException">Not a backend name or list; the message lists the names.</exception>
    public static FirewallBackend Parse(string text) =>
        TryParse(text, out var backend) ? backend : throw new FormatException(
            $"'{text}' is not a firewall backend ({NameList}; several as a list such as 'ipset,nginx': one kernel backend at most, dry-run only alone).");
}

/// <summary>Lets the configuration binder read <see cref="FirewallBackend"/> by its configuration names.</summary>
public sealed class FirewallBackendConverter() : NamedEnumConverter<FirewallBackend>(FirewallBackends.Parse, FirewallBackends.Name);
