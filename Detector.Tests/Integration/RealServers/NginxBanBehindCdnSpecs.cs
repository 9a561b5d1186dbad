using System.Diagnostics;
using System.Net;
using System.Text;
using Akka.Actor;
using Detector.Baseline;
using Detector.Configuration;
using Detector.Domain;
using Detector.Enforcement;
using Detector.Enforcement.Firewall;
using Detector.Ingest;
using Detector.Tests.Integration.Netns;
using Detector.Tests.Support;

namespace Detector.Tests.Integration.RealServers;

/// <summary>
/// Acceptance of the nginx backend: real Nginx (Debian nginx-light, master and workers) in a network namespace of its
/// own, behind a "CDN" in another (<see cref="NetnsLab"/>: the peer namespace, the trusted proxy) that sends each
/// request with the real client's address in <c>X-Forwarded-For</c> (curl run in the CDN's namespace). Nginx takes the
/// client address from it only when the CDN sent it (<c>set_real_ip_from</c> the CDN's address;
/// <c>real_ip_header X-Forwarded-For;</c>) and includes the detector's two files. A kernel ban could only cut off the CDN; here the banned client gets the ban's
/// status within a second of the decision, another client through the same CDN keeps getting 200, and after the ban
/// expires (event time driven by the test) the client gets 200 again.
/// </summary>
public sealed class NginxBanBehindCdnSpecs : IAsyncDisposable
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private static readonly BaselineSnapshot Baseline = new(0, 10, 3, 1, 0.02, 1, 2, 1800, "14h", true);
    private static readonly long Now = Traffic.Start;
    private const string Banned = "203.0.113.9";
    private const string Other = "198.51.100.7";

    private readonly RealServer _server = new();
    private NetnsLab? _lab;

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _lab?.Dispose();
    }

    private string BanDirectory => _server.PathIn("bans");

    /// <summary>Nginx with master and workers, started before the detector ever wrote its files (the includes are
    /// patterns, so it starts without them).</summary>
    private async Task<string> StartNginxAsync()
    {
        var nginx = RealServer.Require("/usr/sbin/nginx", "nginx-light");
        if (NetnsLab.SkipReason("curl") is { } reason) Assert.Skip(reason);
        _lab = await NetnsLab.StartAsync();
        var root = _server.Root;
        var config = _server.PathIn("nginx.conf");
        File.WriteAllText(config, $$"""
            daemon off;
            worker_processes 1;
            pid {{root}}/nginx.pid;
            error_log {{root}}/error.log;
            events {}
            http {
                {{RealServer.NginxTempPaths(root)}}
                access_log {{root}}/access.log;
                set_real_ip_from {{NetnsLab.PeerV4}};
                real_ip_header X-Forwarded-For;
                include {{BanDirectory}}/bans*.conf;
                server {
                    listen {{NetnsLab.HostV4}}:{{_server.Port}};
                    root {{_server.WebRoot}};
                    include {{BanDirectory}}/deny*.conf;
                }
            }
            """);
        _server.Start("ip", null, "netns", "exec", _lab.Host, nginx, "-p", root, "-c", config);
        return config;
    }

    /// <summary>One request through the CDN for <paramref name="client"/>: curl in the CDN's namespace, on a fresh
    /// connection (a kept-alive one would stay with a worker of the previous configuration). 0: Nginx closed the
    /// connection without an answer (444).</summary>
    private Task<int> ThroughCdnAsync(string client) => RequestAsync(_lab!.PeerRunner, client);

    /// <summary>A request that claims <paramref name="client"/> in <c>X-Forwarded-For</c> but does not come from the CDN
    /// (from Nginx's own namespace): Nginx must not believe the header.</summary>
    private Task<int> ForgedAsync(string client) => RequestAsync(_lab!.HostRunner, client);

    private async Task<int> RequestAsync(ProcessRunner from, string client)
    {
        var result = await from.RunAsync("curl",
            ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5", "-H", $"X-Forwarded-For: {client}",
             $"http://{NetnsLab.HostV4}:{_server.Port}/robots.txt"], null, TimeSpan.FromSeconds(10));
        return int.TryParse(result.StandardOutput.Trim(), out var status) ? status : 0;
    }

    /// <summary>Polls every 10 ms until <paramref name="client"/> gets <paramref name="status"/>; the time it took.</summary>
    private async Task<TimeSpan> UntilAsync(string client, int status)
    {
        var clock = Stopwatch.StartNew();
        while (await ThroughCdnAsync(client) != status)
        {
            if (clock.Elapsed > Bound) Assert.Fail($"{client} did not get {status} within {Bound}; nginx error log: {ErrorLog()}");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
        return clock.Elapsed;
    }

    private string ErrorLog() => File.Exists(_server.PathIn("error.log")) ? File.ReadAllText(_server.PathIn("error.log")) : "";

    private static async Task<PipelineHarness> StartDetectorAsync(NginxBanOptions nginx, INginxReload reload, bool ipv6RangeAtFirstOffence = false)
    {
        var options = new DetectorOptions();
        options.Enforcement.Firewall = FirewallBackend.Nginx;
        options.Enforcement.Nginx = nginx;
        // At its first offence an IPv6 client is banned by its /64 (a range ban), which the include holds as one CIDR.
        if (ipv6RangeAtFirstOffence) options.Enforcement.Ipv6Range.MinAddresses = 1;
        var firewall = new NginxFirewall(nginx, reload);
        var harness = await PipelineHarness.StartAsync(options, firewall: firewall);
        // The reconcile at start writes both files and reloads Nginx.
        await Eventually.True(() => firewall.Stats.Snapshot().Reconciles > 0, Bound, "the first reconcile");
        return harness;
    }

    [Fact]
    public async Task The_banned_client_gets_403_within_a_second_while_another_client_through_the_same_cdn_gets_200_until_the_ban_expires()
    {
        await StartNginxAsync();
        await UntilAsync(Banned, 200);
        var nginx = new NginxBanOptions { Directory = BanDirectory, Status = 403, PidFile = _server.PathIn("nginx.pid") };
        await using var harness = await StartDetectorAsync(nginx, new SignalReload(nginx.PidFile!), ipv6RangeAtFirstOffence: true);
        Assert.Equal(200, await ThroughCdnAsync(Banned));

        var decided = Stopwatch.StartNew();
        var ban = await harness.Enforcement.Ask<ManualActionResult>(new BanManually(IpKey.Parse(Banned), TimeSpan.FromMinutes(10), Now), AskTimeout, TestContext.Current.CancellationToken);
        Assert.True(ban.Changed, ban.Message);
        await UntilAsync(Banned, 403);
        var tookEffect = decided.Elapsed;
        TestContext.Current.TestOutputHelper?.WriteLine($"403 at Nginx {tookEffect.TotalMilliseconds:F0} ms after the ban decision");
        Assert.True(tookEffect < TimeSpan.FromSeconds(1), $"the ban took {tookEffect.TotalMilliseconds:F0} ms to show at Nginx");
        Assert.Equal(200, await ThroughCdnAsync(Other));
        // The header counts only from the CDN: the same claim from anywhere else is the sender's own address.
        Assert.Equal(200, await ForgedAsync(Banned));

        // An IPv6 client is banned by its /64: a neighbour in that prefix is refused too, one outside it is not.
        await harness.Enforcement.Ask<ManualActionResult>(new BanManually(IpKey.Parse("2001:db8:0:1::66"), TimeSpan.FromMinutes(10), Now), AskTimeout, TestContext.Current.CancellationToken);
        await UntilAsync("2001:db8:0:1::77", 403);
        Assert.Equal(200, await ThroughCdnAsync("2001:db8:0:2::66"));

        // The ban expires in event time: the ledger lifts it, the file drops it, Nginx is reloaded.
        var expired = await harness.Enforcement.Ask<EnforcementApplied>(new ApplyVerdicts(Now + 600, [], Baseline), AskTimeout, TestContext.Current.CancellationToken);
        Assert.Contains(expired.Events, e => e is IpUnbanned { Reason: "expired" } u && u.Ip == IpKey.Parse(Banned));
        await UntilAsync(Banned, 200);
        Assert.Equal(200, await ThroughCdnAsync(Other));

        // Nginx logged the refused requests under the client's own address with the ban's status: the lines BanMirror
        // leaves out of BAN_INEFFECTIVE when the nginx backend enforces.
        var refused = Parse(File.ReadAllLines(_server.PathIn("access.log"))).Where(e => e.Ip == IpKey.Parse(Banned)).Select(e => e.Status).ToList();
        Assert.Contains(403, refused);
        Assert.DoesNotContain(refused, status => status is not (200 or 403));
    }

    [Fact]
    public async Task With_status_444_the_banned_client_gets_no_answer_and_a_reload_command_reloads_nginx()
    {
        var config = await StartNginxAsync();
        await UntilAsync(Banned, 200);
        var nginx = new NginxBanOptions
        {
            Directory = BanDirectory,
            Status = 444,
            ReloadCommand = ["/usr/sbin/nginx", "-p", _server.Root, "-c", config, "-s", "reload"],
        };
        await using var harness = await StartDetectorAsync(nginx, NginxReloads.From(nginx, new CommandExecutor(new ProcessRunner())));

        var decided = Stopwatch.StartNew();
        await harness.Enforcement.Ask<ManualActionResult>(new BanManually(IpKey.Parse(Banned), TimeSpan.FromMinutes(10), Now), AskTimeout, TestContext.Current.CancellationToken);
        await UntilAsync(Banned, 0);
        var tookEffect = decided.Elapsed;
        TestContext.Current.TestOutputHelper?.WriteLine($"444 at Nginx {tookEffect.TotalMilliseconds:F0} ms after the ban decision");
        Assert.True(tookEffect < TimeSpan.FromSeconds(1), $"the ban took {tookEffect.TotalMilliseconds:F0} ms to show at Nginx");
        Assert.Equal(200, await ThroughCdnAsync(Other));

        // An operator's unban lifts it the same way.
        await harness.Enforcement.Ask<ManualActionResult>(new UnbanManually(IpKey.Parse(Banned), Now + 30), AskTimeout, TestContext.Current.CancellationToken);
        await UntilAsync(Banned, 200);
        Assert.Contains(444, Parse(File.ReadAllLines(_server.PathIn("access.log"))).Where(e => e.Ip == IpKey.Parse(Banned)).Select(e => e.Status));
    }

    private static IEnumerable<AccessLogEntry> Parse(IEnumerable<string> lines)
    {
        var parser = new LogParser(new LogOptions(), new IngestCounters());
        foreach (var line in lines)
            if (parser.TryParse(Encoding.UTF8.GetBytes(line), out var entry)) yield return entry;
    }
}
