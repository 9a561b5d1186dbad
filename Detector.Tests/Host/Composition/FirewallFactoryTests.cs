using Detector.Configuration;
using Detector.Enforcement.Firewall;
using Detector.Host.Composition;
using Detector.Tests.Enforcement.Firewall;
using Microsoft.Extensions.Logging.Abstractions;

namespace Detector.Tests.Host.Composition;

/// <summary>One firewall per configured backend; their figures shown as one.</summary>
public sealed class FirewallFactoryTests
{
    private static readonly FirewallHost Privileged = new(
        new Privileges(0, true),
        FirewallHost.ToolNames.ToDictionary(t => t, _ => true),
        new IptablesDetection(IptablesFlavor.Nft, IptablesFlavor.Nft, "no rules yet"),
        IptablesTools.For(IptablesFlavor.Nft, _ => true),
        false,
        false);

    [Fact]
    public void A_list_builds_each_backend_and_nginx_alone_probes_nothing()
    {
        var options = new EnforcementOptions { Firewall = FirewallBackends.Parse("ipset,nginx") };
        options.Nginx.PidFile = "/run/nginx/nginx.pid";

        var both = FirewallFactory.Create(options, NullLoggerFactory.Instance, new RecordingProcessRunner(), Privileged);

        Assert.Equal(["ipset", "nginx"], both.Select(f => f.Name));
        Assert.IsType<SignalReload>(Assert.IsType<NginxFirewall>(both[1]).Reload);

        var runner = new RecordingProcessRunner();
        var alone = FirewallFactory.Create(new EnforcementOptions { Firewall = FirewallBackend.Nginx }, NullLoggerFactory.Instance, runner);
        Assert.Equal(["nginx"], alone.Select(f => f.Name));
        var command = Assert.IsType<CommandReload>(((NginxFirewall)alone[0]).Reload).Command;
        Assert.Equal("nginx -s reload", command.ToString());
        Assert.Empty(runner.Commands);
    }

    [Fact]
    public void Several_backends_figures_are_shown_as_one()
    {
        var ipset = new FirewallStats("ipset");
        var nginx = new FirewallStats("nginx");
        var at = DateTimeOffset.Parse("2026-04-29T14:24:29Z");
        ipset.CountApplied();
        ipset.Reconciled(new ReconcileResult(1, 0, 5), at);
        nginx.CountApplied();
        nginx.CountFailure("nginx -s reload exit 1: no pid", at.AddSeconds(1));
        nginx.Reconciled(new ReconcileResult(0, 2, 4), at.AddSeconds(2));

        var both = FirewallStats.Combine([ipset, nginx]).Snapshot();

        Assert.Equal(new FirewallStatsSnapshot("ipset,nginx", 2, 1, "nginx -s reload exit 1: no pid", at.AddSeconds(1), 5, 2, 1, 2, at.AddSeconds(2)), both);
        Assert.Same(ipset, FirewallStats.Combine([ipset]));
    }
}
