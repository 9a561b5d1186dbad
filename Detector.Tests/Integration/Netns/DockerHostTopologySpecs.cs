using System.Diagnostics;
using Detector.Tests.Integration.Netns.Topology;
using Detector.Configuration;
using static Detector.Tests.Integration.Netns.Topology.DockerHostTopology;

namespace Detector.Tests.Integration.Netns;

/// <summary>
/// End to end on the real kernel: the detector process in the host namespace of a Docker-like host follows the access
/// log of real Nginx (the shipped server block) in a container namespace behind a published port, and bans an
/// attacker flooding through that port. Root only; skipped with the reason otherwise. Runs alone (not in parallel
/// with other test classes): the restart deadline is wall time on a 2-core machine.
/// </summary>
[Collection(nameof(DockerHostTopologySpecs))]
public sealed class DockerHostTopologySpecs : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan BanTimeout = TimeSpan.FromSeconds(20);
    private readonly List<IDisposable> _processes = [];
    private DockerHostTopology? _topology;

    private DockerHostTopology Topology => _topology!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes) process.Dispose();
        if (_topology is not null) await _topology.DisposeAsync();
    }

    private async Task BuildAsync(params string[] backendTools)
    {
        if (DockerHostTopology.SkipReason(backendTools) is { } reason) Assert.Skip(reason);
        _topology = await DockerHostTopology.StartAsync(Ct);
    }

    private async Task<DetectorProcess> StartDetectorAsync(FirewallBackend firewall, string name, object enforcement, bool waitUntilFollowing = true)
    {
        var config = DetectorProcess.WriteConfig(Topology.WorkDirectory, $"{name}.json", enforcement);
        var detector = DetectorProcess.Start(Topology.Host, Topology.AccessLog, firewall, Path.Combine(Topology.WorkDirectory, name), config);
        _processes.Add(detector);
        if (waitUntilFollowing) await detector.WaitUntilFollowingAsync(() => Topology.ClientStatusAsync(Ct), StartTimeout, Ct);
        return detector;
    }

    private Flood StartFlood(int requests, int? requestsPerSecond = null)
    {
        var flood = Topology.StartFlood(requests, requestsPerSecond: requestsPerSecond);
        _processes.Add(flood);
        return flood;
    }

    /// <summary>Polls a real outcome (a connection's result) until it holds or the deadline passes.</summary>
    private static async Task<bool> Within(TimeSpan timeout, Func<Task<bool>> outcome)
    {
        var deadline = DateTime.UtcNow + timeout;
        do
        {
            if (await outcome()) return true;
        } while (DateTime.UtcNow < deadline);
        return false;
    }

    /// <summary>The BAN audit line comes first; the kernel rule follows it by a command's time.</summary>
    private async Task AssertRuleAppearsAsync(string chain, string rule)
    {
        var listed = "";
        var found = await Within(TimeSpan.FromSeconds(5), async () =>
        {
            listed = (await Topology.InHostAsync("iptables", "-w", "5", "-S", chain)).StandardOutput;
            return listed.Contains(rule, StringComparison.Ordinal);
        });
        Assert.True(found, $"'{rule}' did not appear in {chain}:\n{listed}");
    }

    private Task<bool> AttackerIsDropped() => Within(TimeSpan.FromSeconds(5), async () => await Topology.AttackerStatusAsync(cancellationToken: Ct) == 0);

    private async Task<string> FloodUntilBannedAsync(DetectorProcess detector)
    {
        Assert.Equal(200, await Topology.AttackerStatusAsync(cancellationToken: Ct));
        using var flood = StartFlood(4000);
        var ban = await detector.WaitForAuditAsync("BAN", AttackerV4, BanTimeout, Ct);
        // Nginx's own log, not curl's counter: curl's output to a pipe is block-buffered and may not have arrived yet.
        Assert.NotEmpty(Topology.AccessLogLinesFrom(AttackerV4));
        return ban;
    }

    [Fact]
    public async Task Ipset_ban_in_DOCKER_USER_stops_the_attackers_new_connections_the_client_keeps_getting_200_and_expiry_lets_the_attacker_back()
    {
        await BuildAsync("ipset");
        var detector = await StartDetectorAsync(FirewallBackend.Ipset, "ipset", new { Ladder = new[] { "10s", "40s", "permanent" }, IneffectiveGraceSeconds = 1 });

        var ban = await FloodUntilBannedAsync(detector);

        Assert.EndsWith("| 10s", ban);
        Assert.True(await AttackerIsDropped(), "after the ban the attacker's new connections fail");
        Assert.Equal(200, await Topology.ClientStatusAsync(Ct));
        Assert.Contains($"add detector-v4 {AttackerV4}", (await Topology.InHostAsync("ipset", "save", "detector-v4")).StandardOutput);
        Assert.Contains("-A DOCKER-USER -m set --match-set detector-v4 src -j DROP",
            (await Topology.InHostAsync("iptables", "-w", "5", "-S", "DOCKER-USER")).StandardOutput);

        await detector.WaitForAuditAsync("UNBAN", AttackerV4, TimeSpan.FromSeconds(20), Ct);
        Assert.True(await Within(TimeSpan.FromSeconds(5), async () => await Topology.AttackerStatusAsync(cancellationToken: Ct) == 200),
            "after the ban expired the attacker gets 200 again");
        Assert.Null(detector.AuditLine("BAN_INEFFECTIVE", AttackerV4));
    }

    [Fact]
    public async Task Literal_INPUT_rule_misses_the_published_port_and_is_reported_ineffective_while_the_DOCKER_USER_rule_stops_the_flood()
    {
        await BuildAsync("iptables");
        var inputOnly = await StartDetectorAsync(FirewallBackend.Iptables, "input-only",
            new { Ladder = new[] { "60s", "permanent" }, IneffectiveGraceSeconds = 1, DockerUser = false });

        // Long enough to go on past the ban and its grace second: 20 s at most, stopped once judged.
        var flood = StartFlood(8000, requestsPerSecond: 400);
        await inputOnly.WaitForAuditAsync("BAN", AttackerV4, BanTimeout, Ct);
        await AssertRuleAppearsAsync("INPUT", $"-A INPUT -s {AttackerV4}/32 -m comment --comment detector -j DROP");
        Assert.Equal(200, await Topology.AttackerStatusAsync(cancellationToken: Ct));
        await inputOnly.WaitForAuditAsync("BAN_INEFFECTIVE", AttackerV4, TimeSpan.FromSeconds(15), Ct);
        flood.Stop();
        Assert.Equal(0, flood.Failed);
        inputOnly.KillHard();

        var dockerUser = await StartDetectorAsync(FirewallBackend.Iptables, "docker-user", new { Ladder = new[] { "60s", "permanent" }, IneffectiveGraceSeconds = 1 });
        await FloodUntilBannedAsync(dockerUser);
        await AssertRuleAppearsAsync("DOCKER-USER", $"-A DOCKER-USER -s {AttackerV4}/32 -m comment --comment detector -j DROP");
        Assert.True(await AttackerIsDropped(), "with the rule in DOCKER-USER the attacker's new connections fail");
        Assert.Equal(200, await Topology.ClientStatusAsync(Ct));
    }

    [Fact]
    public async Task After_kill_9_and_a_flushed_set_the_restarted_detector_restores_the_ban_from_its_ledger_within_5_seconds()
    {
        await BuildAsync("ipset");
        var enforcement = new { Ladder = new[] { "90s", "permanent" }, IneffectiveGraceSeconds = 1 };
        var first = await StartDetectorAsync(FirewallBackend.Ipset, "ledger", enforcement);
        await FloodUntilBannedAsync(first);
        Assert.True(await AttackerIsDropped());

        first.KillHard();
        await Topology.InHostAsync("ipset", "flush", "detector-v4");
        Assert.Equal(200, await Topology.AttackerStatusAsync(cancellationToken: Ct));

        var clock = Stopwatch.StartNew();
        var second = await StartDetectorAsync(FirewallBackend.Ipset, "ledger", enforcement, waitUntilFollowing: false);
        var restored = await Within(TimeSpan.FromSeconds(5),
            async () => (await Topology.TryInHostAsync("ipset", "test", "detector-v4", AttackerV4)).Succeeded);
        clock.Stop();

        Assert.True(restored, $"the ban was not back within 5 s of the restart; detector output:\n{second.Output}");
        TestContext.Current.TestOutputHelper?.WriteLine($"ban restored {clock.Elapsed.TotalSeconds:F2} s after the restart");
        Assert.Equal(0, await Topology.AttackerStatusAsync(cancellationToken: Ct));
        Assert.Equal(200, await Topology.ClientStatusAsync(Ct));
    }

    [Fact]
    public async Task Nftables_backend_stops_the_flood_through_its_forward_hook_while_the_client_gets_200()
    {
        await BuildAsync("nft");
        var detector = await StartDetectorAsync(FirewallBackend.Nftables, "nftables", new { Ladder = new[] { "60s", "permanent" }, IneffectiveGraceSeconds = 1 });

        await FloodUntilBannedAsync(detector);

        Assert.True(await AttackerIsDropped(), "after the ban the attacker's new connections fail");
        Assert.Equal(200, await Topology.ClientStatusAsync(Ct));
        Assert.Contains(AttackerV4, (await Topology.InHostAsync("nft", "list", "set", "inet", "detector", "banned_v4")).StandardOutput);
    }
}

[CollectionDefinition(nameof(DockerHostTopologySpecs), DisableParallelization = true)]
public sealed class DockerHostTopologyCollection;
