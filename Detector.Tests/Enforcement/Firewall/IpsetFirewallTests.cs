using Detector.Enforcement.Firewall;
using Detector.Ingest;
using Detector.Domain;

namespace Detector.Tests.Enforcement.Firewall;

public class IpsetFirewallTests
{
    private static readonly IpKey V4 = IpKey.Parse("203.0.113.9");
    private static readonly IpKey V6 = IpKey.Parse("2001:db8:1:2::77");

    private static (IpsetFirewall Firewall, RecordingProcessRunner Runner) Build(Func<FirewallCommand, ProcessResult?>? respond = null, int ipv6Prefix = 128)
    {
        var runner = new RecordingProcessRunner(respond);
        var executor = new CommandExecutor(runner, delay: (_, _) => Task.CompletedTask);
        return (new IpsetFirewall(executor, IptablesTools.Plain, new FirewallSettings { Ipv6PrefixLength = ipv6Prefix }), runner);
    }

    private static string Line(FirewallCommand c) => string.Join(' ', [c.File, .. c.Args]);

    [Fact]
    public async Task A_ban_adds_the_address_to_its_family_set_with_the_ban_as_kernel_timeout()
    {
        var (firewall, runner) = Build();

        await firewall.BanAsync(BanTarget.For(V4), TimeSpan.FromMinutes(10), TestContext.Current.CancellationToken);
        await firewall.BanAsync(BanTarget.For(V6), null, TestContext.Current.CancellationToken);

        Assert.Equal(
            [
                new FirewallCommand("ipset", ["add", "detector-v4", "203.0.113.9", "timeout", "600", "-exist"]),
                new FirewallCommand("ipset", ["add", "detector-v6", "2001:db8:1:2::77", "timeout", "0", "-exist"]),
            ],
            runner.Commands);
    }

    [Fact]
    public async Task An_unban_deletes_the_address_and_is_no_error_when_it_is_already_gone()
    {
        var (firewall, runner) = Build();

        await firewall.UnbanAsync(BanTarget.For(V4), TestContext.Current.CancellationToken);

        Assert.Equal([new FirewallCommand("ipset", ["del", "detector-v4", "203.0.113.9", "-exist"])], runner.Commands);
    }

    [Fact]
    public async Task Bans_longer_than_the_kernel_accepts_are_capped_and_left_to_reconcile()
    {
        var (firewall, runner) = Build();

        await firewall.BanAsync(BanTarget.For(V4), TimeSpan.FromDays(60), TestContext.Current.CancellationToken);

        Assert.Equal("ipset add detector-v4 203.0.113.9 timeout 2147483 -exist", Assert.Single(runner.Lines));
    }

    [Fact]
    public async Task With_an_ipv6_prefix_the_v6_set_holds_networks()
    {
        var (firewall, runner) = Build(ipv6Prefix: 64);

        await firewall.BanAsync(BanTarget.For(V6, 64), TimeSpan.FromSeconds(90), TestContext.Current.CancellationToken);

        Assert.Equal("ipset add detector-v6 2001:db8:1:2::/64 timeout 90 -exist", Assert.Single(runner.Lines));
        Assert.Equal("ipset create detector-v6 hash:net family inet6 timeout 0 maxelem 1048576", Line(firewall.CreateSet(v6: true)));
        Assert.Equal("ipset create detector-v4 hash:ip family inet timeout 0 maxelem 1048576", Line(firewall.CreateSet(v6: false)));
    }

    [Fact]
    public async Task Prepare_creates_missing_sets_and_inserts_each_drop_rule_only_when_the_check_does_not_find_it()
    {
        // detector-v4 exists and its INPUT rule is in place; nothing of v6 exists; no DOCKER-USER chain.
        var (firewall, runner) = Build(c => Line(c) switch
        {
            "ipset list -n" => new ProcessResult(0, "detector-v4\nsomeone-elses-set\n", ""),
            var l when l.StartsWith("iptables -w 5 -S DOCKER-USER") || l.StartsWith("ip6tables -w 5 -S DOCKER-USER") => new ProcessResult(1, "", "No chain/target/match by that name."),
            var l when l.StartsWith("ip6tables -w 5 -C") => new ProcessResult(1, "", "Bad rule (does a matching rule exist in that chain?)."),
            _ => RecordingProcessRunner.Ok,
        });

        await firewall.PrepareAsync(TestContext.Current.CancellationToken);

        Assert.Equal(
            [
                "ipset list -n",
                "iptables -w 5 -S DOCKER-USER",
                "iptables -w 5 -C INPUT -m set --match-set detector-v4 src -j DROP",
                "ipset create detector-v6 hash:ip family inet6 timeout 0 maxelem 1048576",
                "ip6tables -w 5 -S DOCKER-USER",
                "ip6tables -w 5 -C INPUT -m set --match-set detector-v6 src -j DROP",
                "ip6tables -w 5 -I INPUT 1 -m set --match-set detector-v6 src -j DROP",
            ],
            runner.Lines);
    }

    [Fact]
    public async Task Prepare_hooks_the_sets_into_DOCKER_USER_when_docker_created_it()
    {
        var (firewall, runner) = Build(c => Line(c) switch
        {
            "ipset list -n" => new ProcessResult(0, "detector-v4\ndetector-v6\n", ""),
            var l when l.Contains(" -C ") => new ProcessResult(1, "", "Bad rule"),
            _ => RecordingProcessRunner.Ok,
        });

        await firewall.PrepareAsync(TestContext.Current.CancellationToken);

        Assert.Equal(
            [
                "iptables -w 5 -I INPUT 1 -m set --match-set detector-v4 src -j DROP",
                "iptables -w 5 -I DOCKER-USER 1 -m set --match-set detector-v4 src -j DROP",
                "ip6tables -w 5 -I INPUT 1 -m set --match-set detector-v6 src -j DROP",
                "ip6tables -w 5 -I DOCKER-USER 1 -m set --match-set detector-v6 src -j DROP",
            ],
            runner.Lines.Where(l => l.Contains(" -I ")));
    }

    [Fact]
    public async Task Reconcile_applies_the_whole_diff_in_one_ipset_restore()
    {
        const long now = 1_000_000;
        var (firewall, runner) = Build(c => Line(c) switch
        {
            "ipset list -n" => new ProcessResult(0, "detector-v4\ndetector-v6\n", ""),
            "ipset save detector-v4" => new ProcessResult(0,
                "create detector-v4 hash:ip family inet hashsize 1024 maxelem 1048576 timeout 0\n" +
                "add detector-v4 198.51.100.1 timeout 300\nadd detector-v4 198.51.100.2 timeout 0\n", ""),
            "ipset save detector-v6" => new ProcessResult(0, "create detector-v6 hash:ip family inet6 timeout 0\n", ""),
            _ => RecordingProcessRunner.Ok,
        });
        DesiredBan[] desired =
        [
            new(IpKey.Parse("198.51.100.1"), now + 300), // present: untouched
            new(IpKey.Parse("198.51.100.3"), now + 600), // missing: added
            new(V6, null), // missing, permanent
            new(IpKey.Parse("198.51.100.4"), now), // expired: not desired
        ];

        var result = await firewall.ReconcileAsync(desired, now, TestContext.Current.CancellationToken);

        var restore = Assert.Single(runner.Commands, c => c.Args.FirstOrDefault() == "restore");
        Assert.Equal(["restore", "-exist"], restore.Args);
        Assert.Equal(
            "del detector-v4 198.51.100.2\n" +
            "add detector-v4 198.51.100.3 timeout 600\n" +
            "add detector-v6 2001:db8:1:2::77 timeout 0\n",
            restore.Stdin);
        Assert.Equal(new ReconcileResult(Added: 2, Removed: 1, Size: 3), result);
    }

    [Fact]
    public void Members_are_read_from_ipset_save_of_that_set_only()
    {
        const string save = "create detector-v6 hash:net family inet6 timeout 0\n" +
                            "add detector-v6 2001:db8:1::/64 timeout 0\nadd detector-v6 2001:db8:2::1 timeout 4\nadd other 2001:db8:3::1\n";

        Assert.Equal(
            [BanTarget.For(IpKey.Parse("2001:db8:1::"), 64), BanTarget.For(IpKey.Parse("2001:db8:2::1"))],
            IpsetFirewall.ParseSave(save, "detector-v6"));
    }
}
