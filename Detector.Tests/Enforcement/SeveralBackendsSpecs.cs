using Akka.Actor;
using Detector.Audit;
using Detector.Configuration;
using Detector.Domain;
using Detector.Enforcement;
using Detector.Enforcement.Firewall;
using Detector.Tests.Enforcement.Firewall;
using Detector.Tests.Support;

namespace Detector.Tests.Enforcement;

/// <summary>Several backends at once (<c>ipset,nginx</c>): each applies every ban on its own; one failing is audited
/// with its name and does not keep the ban from the other.</summary>
public sealed class SeveralBackendsSpecs : IDisposable
{
    private static readonly IpKey Attacker = IpKey.Parse("203.0.113.9");
    private static readonly long Now = Traffic.Start;
    private readonly string _dir = Directory.CreateTempSubdirectory("detector-several-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_failing_kernel_backend_is_audited_by_name_while_nginx_still_bans()
    {
        var ipsetRunner = RecordingProcessRunner.Failing("ipset", 1, "ipset v7.17: Kernel error received: Operation not permitted");
        var ipset = new IpsetFirewall(new CommandExecutor(ipsetRunner, new RetryPolicy(1, TimeSpan.Zero, TimeSpan.Zero)), IptablesTools.Plain);
        var nginxRunner = new RecordingProcessRunner();
        var options = new DetectorOptions();
        options.Enforcement.Nginx = new NginxBanOptions { Directory = _dir, ReloadDelayMs = 0 };
        var nginx = new NginxFirewall(options.Enforcement.Nginx, NginxReloads.From(options.Enforcement.Nginx, new CommandExecutor(nginxRunner)));
        await using var harness = await PipelineHarness.StartAsync(options, firewalls: [ipset, nginx]);

        var result = await harness.Enforcement.Ask<ManualActionResult>(new BanManually(Attacker, TimeSpan.FromMinutes(10), Now), TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.True(result.Changed);

        await Eventually.True(() => File.Exists(nginx.BansPath) && File.ReadAllText(nginx.BansPath).Contains("203.0.113.9/32 1;"),
            TimeSpan.FromSeconds(10), "the ban in nginx's file");
        await Eventually.True(() => nginxRunner.Commands.Count >= 1, TimeSpan.FromSeconds(10), "the nginx reload");

        var failed = await Eventually.UntilAsync(async () =>
            (await harness.AuditEventsAsync()).FirstOrDefault(e => e.Action == AuditAction.BanFailed && e.Subject == Attacker.ToString()),
            TimeSpan.FromSeconds(10), "the ipset backend's BAN_FAILED");
        Assert.StartsWith("ipset: ipset ", failed!.Condition);
        Assert.Contains("Operation not permitted", failed.Condition);
        Assert.DoesNotContain(await harness.AuditEventsAsync(), e => e.Action == AuditAction.BanFailed && e.Condition.StartsWith("nginx"));
    }
}
