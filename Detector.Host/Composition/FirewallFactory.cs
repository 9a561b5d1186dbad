using Detector.Configuration;
using Detector.Enforcement;
using Detector.Enforcement.Firewall;

namespace Detector.Host.Composition;

/// <summary>Builds the configured <see cref="IFirewall"/>; <c>auto</c> probes the host.</summary>
public static class FirewallFactory
{
    public static readonly string[] Backends = ["auto", "ipset", "nftables", "iptables", "dry-run"];

    public static bool IsKnown(string name) => Normalize(name) is not null;

    /// <summary>The canonical backend name, accepting "nft" and "dryrun"; null when unknown.</summary>
    public static string? Normalize(string name) => name.Trim().ToLowerInvariant() switch
    {
        "auto" => "auto",
        "ipset" => "ipset",
        "nftables" or "nft" => "nftables",
        "iptables" => "iptables",
        "dry-run" or "dryrun" => "dry-run",
        _ => null,
    };

    public static IFirewall Create(EnforcementOptions options, ILoggerFactory loggers, IProcessRunner? runner = null, FirewallHost? host = null)
    {
        var settings = new FirewallSettings { Ipv6PrefixLength = options.Ipv6PrefixLength, HookDockerUser = options.DockerUser };
        var name = Normalize(options.Firewall)
                   ?? throw new ArgumentException($"Unknown firewall backend '{options.Firewall}' ({string.Join(", ", Backends)}).");
        var logger = loggers.CreateLogger(typeof(FirewallFactory));
        if (name == "dry-run") return new DryRunFirewall(loggers.CreateLogger<DryRunFirewall>(), settings);

        runner ??= new ProcessRunner();
        host ??= FirewallHost.ProbeAsync(runner, Privileges.OfThisProcess()).GetAwaiter().GetResult();
        if (name == "auto")
        {
            name = host.AutoBackend;
            logger.LogInformation("Firewall auto: using {Backend} (CAP_NET_ADMIN {NetAdmin}; iptables {Flavor}: {Reason})",
                name, host.Privileges.NetAdmin, host.Iptables.Flavor, host.Iptables.Reason);
            if (name == "dry-run") return new DryRunFirewall(loggers.CreateLogger<DryRunFirewall>(), settings);
        }
        else if (name != "nftables")
        {
            logger.LogInformation("Firewall {Backend} through {Iptables} ({Reason})", name, host.IptablesTools.Iptables, host.Iptables.Reason);
        }

        var executor = new CommandExecutor(runner);
        return name switch
        {
            "ipset" => new IpsetFirewall(executor, host.IptablesTools, settings),
            "nftables" => new NftablesFirewall(executor, settings),
            _ => new IptablesFirewall(executor, host.IptablesTools, settings),
        };
    }
}
