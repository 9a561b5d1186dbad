using Detector.Configuration;
using Detector.Enforcement;
using Detector.Enforcement.Firewall;

namespace Detector.Host.Composition;

/// <summary>Builds the configured <see cref="IFirewall"/>; <see cref="FirewallBackend.Auto"/> probes the host.</summary>
public static class FirewallFactory
{
    public static IFirewall Create(EnforcementOptions options, ILoggerFactory loggers, IProcessRunner? runner = null, FirewallHost? host = null)
    {
        var settings = FirewallSettings.For(options);
        var backend = options.Firewall;
        var logger = loggers.CreateLogger(typeof(FirewallFactory));
        if (backend == FirewallBackend.DryRun) return new DryRunFirewall(loggers.CreateLogger<DryRunFirewall>(), settings);

        runner ??= new ProcessRunner();
        host ??= FirewallHost.ProbeAsync(runner, Privileges.OfThisProcess()).GetAwaiter().GetResult();
        if (backend == FirewallBackend.Auto)
        {
            backend = host.AutoBackend;
            logger.LogInformation("Firewall auto: using {Backend} (CAP_NET_ADMIN {NetAdmin}; iptables {Flavor}: {Reason})",
                backend.Name(), host.Privileges.NetAdmin, host.Iptables.Flavor, host.Iptables.Reason);
            if (backend == FirewallBackend.DryRun) return new DryRunFirewall(loggers.CreateLogger<DryRunFirewall>(), settings);
        }
        else if (backend != FirewallBackend.Nftables)
        {
            logger.LogInformation("Firewall {Backend} through {Iptables} ({Reason})", backend.Name(), host.IptablesTools.Iptables, host.Iptables.Reason);
        }

        var executor = new CommandExecutor(runner);
        return backend switch
        {
            FirewallBackend.Ipset => new IpsetFirewall(executor, host.IptablesTools, settings),
            FirewallBackend.Nftables => new NftablesFirewall(executor, settings),
            _ => new IptablesFirewall(executor, host.IptablesTools, settings),
        };
    }
}
