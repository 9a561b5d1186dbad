using System.Diagnostics;
using Detector.Enforcement;
using Detector.Enforcement.Firewall;
using Detector.Ingest;
using Detector.Domain;

namespace Detector.Tests.Integration.Netns;

/// <summary>
/// The kernel backends against the real kernel, inside network namespaces: a ban stops the peer's new TCP
/// connections, an unban lets them through, reconcile repairs a flushed set and removes only Detector's own
/// stale entries. Root only; skipped with the reason otherwise.
/// </summary>
public sealed class NetnsFirewallSpecs : IAsyncLifetime
{
    private const long Now = 1_777_472_669;
    private static readonly IpKey PeerV4 = IpKey.Parse(NetnsLab.PeerV4);
    private static readonly IpKey PeerV6 = IpKey.Parse(NetnsLab.PeerV6);
    private NetnsLab? _lab;

    private NetnsLab Lab => _lab!;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        _lab?.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task Start(params string[] tools)
    {
        if (NetnsLab.SkipReason(tools) is { } reason) Assert.Skip(reason);
        _lab = await NetnsLab.StartAsync();
    }

    private CommandExecutor Executor() => new(Lab.HostRunner);

    private IpsetFirewall Ipset(IptablesTools? tools = null) => new(Executor(), tools ?? IptablesTools.Plain);

    private NftablesFirewall Nftables() => new(Executor());

    private IptablesFirewall Iptables() => new(Executor(), IptablesTools.Plain);

    private async Task Ban_blocks_the_peer_and_unban_lets_it_through(IFirewall firewall, IpKey peer, string hostAddress)
    {
        var ct = TestContext.Current.CancellationToken;
        await firewall.PrepareAsync(ct);
        Assert.True(await Lab.CanConnectAsync(hostAddress), "before the ban the peer connects");

        await firewall.BanAsync(BanTarget.For(peer), TimeSpan.FromMinutes(10), ct);
        Assert.False(await Lab.CanConnectAsync(hostAddress), "a banned peer cannot connect");
        Assert.Equal([BanTarget.For(peer)], await firewall.ListAsync(ct));

        await firewall.UnbanAsync(BanTarget.For(peer), ct);
        Assert.True(await Lab.CanConnectAsync(hostAddress), "after the unban the peer connects again");
        Assert.Empty(await firewall.ListAsync(ct));
    }

    [Fact]
    public async Task Ipset_ban_drops_the_peers_connections_until_unbanned()
    {
        await Start("ipset", "iptables");
        await Ban_blocks_the_peer_and_unban_lets_it_through(Ipset(), PeerV4, NetnsLab.HostV4);
    }

    [Fact]
    public async Task Ipset_ban_of_an_ipv6_peer_goes_through_ip6tables_and_the_inet6_set()
    {
        await Start("ipset", "ip6tables");
        await Ban_blocks_the_peer_and_unban_lets_it_through(Ipset(), PeerV6, NetnsLab.HostV6);
    }

    [Fact]
    public async Task Ipset_with_legacy_iptables_blocks_as_well()
    {
        await Start("ipset", "iptables-legacy");
        var legacy = IptablesTools.For(IptablesFlavor.Legacy, FirewallHost.ExecutableExists);
        await Ban_blocks_the_peer_and_unban_lets_it_through(Ipset(legacy), PeerV4, NetnsLab.HostV4);
        Assert.Contains("--match-set detector-v4", (await Lab.InHostAsync("iptables-legacy-save")).StandardOutput);
    }

    [Fact]
    public async Task Nftables_ban_drops_the_peers_connections_until_unbanned()
    {
        await Start("nft");
        await Ban_blocks_the_peer_and_unban_lets_it_through(Nftables(), PeerV4, NetnsLab.HostV4);
        await Ban_blocks_the_peer_and_unban_lets_it_through(Nftables(), PeerV6, NetnsLab.HostV6);
    }

    [Fact]
    public async Task Iptables_per_ip_rule_drops_the_peers_connections_until_unbanned()
    {
        await Start("iptables", "ip6tables");
        await Ban_blocks_the_peer_and_unban_lets_it_through(Iptables(), PeerV4, NetnsLab.HostV4);
        await Ban_blocks_the_peer_and_unban_lets_it_through(Iptables(), PeerV6, NetnsLab.HostV6);
    }

    [Fact]
    public async Task Ipset_prepare_is_idempotent_and_hooks_DOCKER_USER_once()
    {
        await Start("ipset", "iptables");
        await Lab.InHostAsync("iptables", "-N", "DOCKER-USER");
        await Lab.InHostAsync("iptables", "-A", "DOCKER-USER", "-j", "RETURN");
        await Lab.InHostAsync("iptables", "-I", "FORWARD", "-j", "DOCKER-USER");
        var firewall = Ipset();

        await firewall.PrepareAsync(TestContext.Current.CancellationToken);
        await firewall.PrepareAsync(TestContext.Current.CancellationToken);

        var rules = (await Lab.InHostAsync("iptables", "-S")).StandardOutput.Split('\n');
        Assert.Single(rules, r => r == "-A INPUT -m set --match-set detector-v4 src -j DROP");
        Assert.Equal(
            ["-A DOCKER-USER -m set --match-set detector-v4 src -j DROP", "-A DOCKER-USER -j RETURN"],
            rules.Where(r => r.StartsWith("-A DOCKER-USER")));
    }

    [Fact]
    public async Task Ipset_reconcile_re_adds_a_ban_after_the_set_was_flushed()
    {
        await Start("ipset", "iptables");
        var firewall = Ipset();
        DesiredBan[] desired = [new(PeerV4, Now + 600)];
        Assert.Equal(1, (await firewall.ReconcileAsync(desired, Now, TestContext.Current.CancellationToken)).Added);
        Assert.False(await Lab.CanConnectAsync(NetnsLab.HostV4));

        await Lab.InHostAsync("ipset", "flush", "detector-v4");
        Assert.True(await Lab.CanConnectAsync(NetnsLab.HostV4), "the flush lifted the ban");

        var result = await firewall.ReconcileAsync(desired, Now + 1, TestContext.Current.CancellationToken);

        Assert.Equal(new ReconcileResult(Added: 1, Removed: 0, Size: 1), result);
        Assert.False(await Lab.CanConnectAsync(NetnsLab.HostV4), "reconcile restored the ban");
    }

    [Fact]
    public async Task Ipset_reconcile_applies_every_other_entry_when_the_kernel_refuses_one()
    {
        await Start("ipset", "iptables");
        var firewall = Ipset();
        DesiredBan[] desired = [new(IpKey.Parse("0.0.0.0"), null), new(PeerV4, null), new(IpKey.Parse("198.51.100.7"), Now + 600)];

        var result = await firewall.ReconcileAsync(desired, Now, TestContext.Current.CancellationToken);

        Assert.Equal((2, 0, 2), (result.Added, result.Removed, result.Size));
        var rejected = Assert.Single(result.Rejected);
        Assert.Equal((BanTarget.For(IpKey.Parse("0.0.0.0")), true), (rejected.Target, rejected.Adding));
        Assert.Contains("Null-valued element", rejected.Reason);
        Assert.False(await Lab.CanConnectAsync(NetnsLab.HostV4), "the peer's ban is in the kernel despite the refused entry");

        await Lab.InHostAsync("ipset", "flush", "detector-v4");
        var again = await firewall.ReconcileAsync(desired, Now + 1, TestContext.Current.CancellationToken);
        Assert.Equal((2, 1), (again.Added, again.Rejected.Count));
        Assert.False(await Lab.CanConnectAsync(NetnsLab.HostV4), "reconcile re-applied the good entries after the flush");
    }

    [Fact]
    public async Task Nftables_reconcile_applies_every_other_entry_when_the_kernel_refuses_one()
    {
        await Start("nft");
        var firewall = Nftables();
        var v6 = IpKey.Parse("2001:db8:7::5");
        // A prefix in a set made without the interval flag: nft refuses the element, and with it the whole transaction.
        DesiredBan[] desired = [new(v6, null, BanTarget.For(v6, 64)), new(PeerV4, null)];

        var result = await firewall.ReconcileAsync(desired, Now, TestContext.Current.CancellationToken);

        Assert.Equal((1, 1), (result.Added, result.Rejected.Count));
        Assert.Equal(BanTarget.For(v6, 64), result.Rejected[0].Target);
        Assert.False(await Lab.CanConnectAsync(NetnsLab.HostV4), "the peer's ban is in the kernel despite the refused entry");
        Assert.Equal([BanTarget.For(PeerV4)], await firewall.ListAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Ipset_reconcile_removes_unknown_entries_from_its_own_set_and_leaves_foreign_sets_and_rules_alone()
    {
        await Start("ipset", "iptables");
        var firewall = Ipset();
        await firewall.PrepareAsync(TestContext.Current.CancellationToken);
        await Lab.InHostAsync("ipset", "add", "detector-v4", NetnsLab.PeerV4, "timeout", "0");
        await Lab.InHostAsync("ipset", "create", "foreign", "hash:ip");
        await Lab.InHostAsync("ipset", "add", "foreign", "198.51.100.7");
        await Lab.InHostAsync("iptables", "-A", "INPUT", "-m", "set", "--match-set", "foreign", "src", "-j", "DROP");
        Assert.False(await Lab.CanConnectAsync(NetnsLab.HostV4));

        var result = await firewall.ReconcileAsync([], Now, TestContext.Current.CancellationToken);

        Assert.Equal(new ReconcileResult(Added: 0, Removed: 1, Size: 0), result);
        Assert.True(await Lab.CanConnectAsync(NetnsLab.HostV4), "the unknown entry is gone");
        Assert.Contains("add foreign 198.51.100.7", (await Lab.InHostAsync("ipset", "save", "foreign")).StandardOutput);
        Assert.Contains("-A INPUT -m set --match-set foreign src -j DROP", (await Lab.InHostAsync("iptables", "-S", "INPUT")).StandardOutput);
    }

    [Fact]
    public async Task Nftables_reconcile_re_adds_a_flushed_ban_and_removes_unknown_elements_but_not_a_foreign_table()
    {
        await Start("nft");
        var firewall = Nftables();
        await Lab.InHostAsync("nft", "add", "table", "inet", "foreign");
        await Lab.InHostAsync("nft", "add", "set", "inet", "foreign", "banned_v4", "{ type ipv4_addr; }");
        await Lab.InHostAsync("nft", "add", "element", "inet", "foreign", "banned_v4", "{ 198.51.100.7 }");
        DesiredBan[] desired = [new(PeerV4, null)];
        await firewall.ReconcileAsync(desired, Now, TestContext.Current.CancellationToken);
        await Lab.InHostAsync("nft", "flush", "set", "inet", "detector", "banned_v4");
        await Lab.InHostAsync("nft", "add", "element", "inet", "detector", "banned_v4", "{ 198.51.100.8 }");
        Assert.True(await Lab.CanConnectAsync(NetnsLab.HostV4), "the flush lifted the ban");

        var result = await firewall.ReconcileAsync(desired, Now + 1, TestContext.Current.CancellationToken);

        Assert.Equal(new ReconcileResult(Added: 1, Removed: 1, Size: 1), result);
        Assert.False(await Lab.CanConnectAsync(NetnsLab.HostV4), "reconcile restored the ban");
        Assert.Equal([BanTarget.For(PeerV4)], await firewall.ListAsync(TestContext.Current.CancellationToken));
        Assert.Contains("198.51.100.7", (await Lab.InHostAsync("nft", "list", "set", "inet", "foreign", "banned_v4")).StandardOutput);
    }

    [Fact]
    public async Task Iptables_reconcile_restores_its_rule_and_removes_only_rules_carrying_its_comment()
    {
        await Start("iptables", "ip6tables");
        var firewall = Iptables();
        await Lab.InHostAsync("iptables", "-A", "INPUT", "-s", "198.51.100.7", "-j", "DROP");
        await Lab.InHostAsync("iptables", "-A", "INPUT", "-s", "198.51.100.8", "-m", "comment", "--comment", "detector-not", "-j", "DROP");
        await Lab.InHostAsync("iptables", "-A", "INPUT", "-s", "198.51.100.9", "-m", "comment", "--comment", "detector", "-j", "DROP");

        var result = await firewall.ReconcileAsync([new DesiredBan(PeerV4, Now + 60)], Now, TestContext.Current.CancellationToken);

        Assert.Equal(new ReconcileResult(Added: 1, Removed: 1, Size: 1), result);
        Assert.False(await Lab.CanConnectAsync(NetnsLab.HostV4));
        var input = (await Lab.InHostAsync("iptables", "-S", "INPUT")).StandardOutput;
        Assert.Contains("-A INPUT -s 198.51.100.7/32 -j DROP", input);
        Assert.Contains("-A INPUT -s 198.51.100.8/32 -m comment --comment detector-not -j DROP", input);
        Assert.DoesNotContain("198.51.100.9", input);
    }

    [Fact]
    public async Task Iptables_reconcile_applies_every_other_entry_when_the_kernel_refuses_one()
    {
        await Start("iptables", "ip6tables");
        var ct = TestContext.Current.CancellationToken;
        string[] stale = ["-s", "198.51.100.9/32", "-m", "comment", "--comment", "detector", "-j", "DROP"];
        await Lab.InHostAsync(["iptables", "-A", "INPUT", .. stale]);
        // Someone removes the stale rule between the listing and the apply: iptables-restore refuses its -D and with it
        // the whole transaction, the peer's new rule included.
        var runner = new BeforeRestore(Lab.HostRunner, () => Lab.InHostAsync(["iptables", "-D", "INPUT", .. stale]));
        var firewall = new IptablesFirewall(new CommandExecutor(runner), IptablesTools.Plain);

        var result = await firewall.ReconcileAsync([new DesiredBan(PeerV4, Now + 60)], Now, ct);

        Assert.Equal((1, 0), (result.Added, result.Removed));
        var rejected = Assert.Single(result.Rejected);
        Assert.Equal((BanTarget.For(IpKey.Parse("198.51.100.9")), false), (rejected.Target, rejected.Adding));
        Assert.False(await Lab.CanConnectAsync(NetnsLab.HostV4), "the peer's rule is in the kernel despite the refused one");
        Assert.Equal([BanTarget.For(PeerV4)], await firewall.ListAsync(ct));
    }

    /// <summary>Runs <paramref name="before"/> once, just before the first <c>iptables-restore</c>.</summary>
    private sealed class BeforeRestore(IProcessRunner inner, Func<Task> before) : IProcessRunner
    {
        private Func<Task>? _before = before;

        public async Task<ProcessResult> RunAsync(string file, IReadOnlyList<string> args, string? stdin, TimeSpan timeout, CancellationToken cancellationToken = default)
        {
            if (file.EndsWith("-restore", StringComparison.Ordinal) && Interlocked.Exchange(ref _before, null) is { } run) await run();
            return await inner.RunAsync(file, args, stdin, timeout, cancellationToken);
        }
    }

    private static readonly FirewallSettings WithRanges = new() { Ipv4PrefixLength = 24, Ipv6PrefixLength = 64 };

    private static DesiredBan[] PeerRanges() =>
    [
        new(BanTarget.Range(PeerV4, 24).Network, Now + 600, BanTarget.Range(PeerV4, 24)),
        new(BanTarget.Range(PeerV6, 64).Network, null, BanTarget.Range(PeerV6, 64)),
    ];

    /// <summary>Range bans from sets made before ranges were on (hash:ip, no interval flag): the sets are made again, the
    /// range entries are in the kernel, they drop the peer over both families, and they go with the next reconcile.</summary>
    private async Task Range_entries_replace_an_older_set_and_drop_the_peer(IFirewall before, IFirewall withRanges)
    {
        var ct = TestContext.Current.CancellationToken;
        await before.ReconcileAsync([new DesiredBan(IpKey.Parse("10.200.0.9"), null)], Now, ct);

        var result = await withRanges.ReconcileAsync(PeerRanges(), Now, ct);

        Assert.Equal((2, 0, 2, 0), (result.Added, result.Removed, result.Size, result.Rejected.Count));
        Assert.Equal(PeerRanges().Select(d => d.Target).Order(), (await withRanges.ListAsync(ct)).Order());
        Assert.False(await Lab.CanConnectAsync(NetnsLab.HostV4), "the /24 drops the peer");
        Assert.False(await Lab.CanConnectAsync(NetnsLab.HostV6), "the /64 drops the peer");

        await withRanges.ReconcileAsync([], Now + 1, ct);
        Assert.True(await Lab.CanConnectAsync(NetnsLab.HostV4), "the /24 is gone");
        Assert.True(await Lab.CanConnectAsync(NetnsLab.HostV6), "the /64 is gone");
    }

    [Fact]
    public async Task Ipset_range_bans_are_network_entries_in_sets_remade_as_hash_net()
    {
        await Start("ipset", "iptables", "ip6tables");
        await Range_entries_replace_an_older_set_and_drop_the_peer(Ipset(), new IpsetFirewall(Executor(), IptablesTools.Plain, WithRanges));

        var v4 = (await Lab.InHostAsync("ipset", "save", "detector-v4")).StandardOutput;
        Assert.Contains("create detector-v4 hash:net", v4);
        Assert.Contains("create detector-v6 hash:net", (await Lab.InHostAsync("ipset", "save", "detector-v6")).StandardOutput);
        Assert.Single((await Lab.InHostAsync("iptables", "-S", "INPUT")).StandardOutput.Split('\n'), l => l.Contains("--match-set detector-v4"));
    }

    [Fact]
    public async Task Ipset_range_entry_is_in_the_kernel_set_while_banned()
    {
        await Start("ipset", "iptables", "ip6tables");
        var firewall = new IpsetFirewall(Executor(), IptablesTools.Plain, WithRanges);
        await firewall.ReconcileAsync(PeerRanges(), Now, TestContext.Current.CancellationToken);

        Assert.Contains("add detector-v4 10.200.0.0/24 timeout", (await Lab.InHostAsync("ipset", "save", "detector-v4")).StandardOutput);
        Assert.Contains("add detector-v6 fd00:200::/64 timeout 0", (await Lab.InHostAsync("ipset", "save", "detector-v6")).StandardOutput);
    }

    [Fact]
    public async Task Nftables_range_bans_are_interval_elements_in_sets_remade_with_the_flag()
    {
        await Start("nft");
        await Range_entries_replace_an_older_set_and_drop_the_peer(Nftables(), new NftablesFirewall(Executor(), WithRanges));

        await new NftablesFirewall(Executor(), WithRanges).ReconcileAsync(PeerRanges(), Now + 2, TestContext.Current.CancellationToken);
        var v4 = (await Lab.InHostAsync("nft", "list", "set", "inet", "detector", "banned_v4")).StandardOutput;
        Assert.Contains("flags interval,timeout", v4);
        Assert.Contains("10.200.0.0/24", v4);
        Assert.Contains("fd00:200::/64", (await Lab.InHostAsync("nft", "list", "set", "inet", "detector", "banned_v6")).StandardOutput);
    }

    [Fact]
    public async Task Flavor_detection_reads_the_ruleset_that_holds_dockers_chain()
    {
        await Start("iptables-legacy", "iptables-nft");
        await Lab.InHostAsync("iptables-legacy", "-N", "DOCKER-USER");
        await Lab.InHostAsync("iptables-legacy", "-I", "FORWARD", "-j", "DOCKER-USER");

        var host = await FirewallHost.ProbeAsync(Lab.HostRunner, new Privileges(0, true), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(IptablesFlavor.Legacy, host.Iptables.Flavor);
        Assert.Equal("iptables-legacy", host.IptablesTools.Iptables);
        Assert.True(host.DockerUserExists);
        Assert.True(host.DockerUserJumpedFromForward);
    }

    private static IReadOnlyList<DesiredBan> ManyBans(int count) =>
        Enumerable.Range(0, count)
            .Select(i => new DesiredBan(IpKey.FromV4(0x6440_0000u + (uint)i), i % 2 == 0 ? Now + 600 + i : null)) // 100.64.0.0/10
            .ToList();

    [Fact]
    public async Task Ipset_reconciles_a_hundred_thousand_bans_in_bulk()
    {
        await Start("ipset", "iptables");
        var runner = new CountingRunner(Lab.HostRunner);
        var firewall = new IpsetFirewall(new CommandExecutor(runner), IptablesTools.Plain);
        var desired = ManyBans(100_000);

        var clock = Stopwatch.StartNew();
        var result = await firewall.ReconcileAsync(desired, Now, TestContext.Current.CancellationToken);
        clock.Stop();

        Assert.Equal(new ReconcileResult(Added: 100_000, Removed: 0, Size: 100_000), result);
        Assert.Contains("Number of entries: 100000", (await Lab.InHostAsync("ipset", "list", "-t", "detector-v4")).StandardOutput);
        Assert.True(runner.Count < 20, $"bulk, not one process per IP ({runner.Count} processes)");
        TestContext.Current.TestOutputHelper?.WriteLine($"ipset: 100,000 bans reconciled in {clock.Elapsed.TotalSeconds:F2} s with {runner.Count} processes");

        clock.Restart();
        var again = await firewall.ReconcileAsync(desired, Now, TestContext.Current.CancellationToken);
        TestContext.Current.TestOutputHelper?.WriteLine($"ipset: no-op reconcile over 100,000 entries in {clock.Elapsed.TotalSeconds:F2} s");
        Assert.Equal(new ReconcileResult(0, 0, 100_000), again);
    }

    [Fact]
    public async Task Nftables_reconciles_a_hundred_thousand_bans_in_bulk()
    {
        await Start("nft");
        var firewall = Nftables();
        var desired = ManyBans(100_000);

        var clock = Stopwatch.StartNew();
        var result = await firewall.ReconcileAsync(desired, Now, TestContext.Current.CancellationToken);
        clock.Stop();

        Assert.Equal(new ReconcileResult(Added: 100_000, Removed: 0, Size: 100_000), result);
        Assert.Equal(100_000, (await firewall.ListAsync(TestContext.Current.CancellationToken)).Count);
        TestContext.Current.TestOutputHelper?.WriteLine($"nftables: 100,000 bans reconciled in {clock.Elapsed.TotalSeconds:F2} s");
    }

    /// <summary>Counts the processes a backend starts.</summary>
    private sealed class CountingRunner(IProcessRunner inner) : IProcessRunner
    {
        private int _count;

        public int Count => _count;

        public Task<ProcessResult> RunAsync(string file, IReadOnlyList<string> args, string? stdin, TimeSpan timeout, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _count);
            return inner.RunAsync(file, args, stdin, timeout, cancellationToken);
        }
    }
}
