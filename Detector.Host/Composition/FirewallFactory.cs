using Detector.Configuration;
using Detector.Enforcement;
using Detector.Enforcement.Firewall;
using Detector.Enforcement.Firewall.Cloudflare;

namespace Detector.Host.Composition;

/// <summary>Builds the configured <see cref="IFirewall"/>s, one per backend named (<c>ipset,nginx</c>: two);
/// <see cref="FirewallBackend.Auto"/> probes the host.</summary>
public static class FirewallFactory
{
    public static IReadOnlyList<IFirewall> Create(EnforcementOptions options, ILoggerFactory loggers, IProcessRunner? runner = null, FirewallHost? host = null)
    {
        var firewalls = new List<IFirewall>();
        var kernel = options.Firewall.OnThisHost();
        if (kernel != 0) firewalls.Add(CreateKernel(kernel, options, loggers, ref runner, ref host));
        if (options.Firewall.HasFlag(FirewallBackend.Cloudflare))
        {
            firewalls.Add(Cloudflare(options.Cloudflare));
            loggers.CreateLogger(typeof(FirewallFactory)).LogInformation("Firewall cloudflare: bans in list {List} of account {Account} (at most {Max} items)",
                options.Cloudflare.ListId, options.Cloudflare.AccountId, options.Cloudflare.MaxItems);
        }
        if (options.Firewall.HasFlag(FirewallBackend.Nginx))
        {
            runner ??= new ProcessRunner();
            firewalls.Add(new NginxFirewall(options.Nginx, NginxReloads.From(options.Nginx, new CommandExecutor(runner))));
            loggers.CreateLogger(typeof(FirewallFactory)).LogInformation("Firewall nginx: bans in {Directory}, answered with {Status}, reloaded by {Reload}",
                options.Nginx.Directory, options.Nginx.Status,
                string.IsNullOrWhiteSpace(options.Nginx.PidFile) ? string.Join(' ', options.Nginx.EffectiveReloadCommand) : $"SIGHUP to the pid in {options.Nginx.PidFile}");
        }
        return firewalls;
    }

    private static IFirewall CreateKernel(FirewallBackend backend, EnforcementOptions options, ILoggerFactory loggers, ref IProcessRunner? runner, ref FirewallHost? host)
    {
        var settings = FirewallSettings.For(options);
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

    /// <summary>The options were validated (ids, URL, a readable token) before the host started.</summary>
    public static CloudflareListFirewall Cloudflare(CloudflareOptions options, HttpMessageHandler? handler = null)
    {
        var token = Secrets.Read(options.ApiToken, options.ApiTokenFile)!;
        var http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
        var api = new CloudflareApi(http, new CloudflareSettings(new Uri(options.ApiUrl), options.AccountId!, options.ListId!, token)
        {
            MaxItems = options.MaxItems,
        });
        return new CloudflareListFirewall(api);
    }
}
