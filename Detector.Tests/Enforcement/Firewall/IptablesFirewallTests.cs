using Detector.Enforcement.Firewall;
using Detector.Ingest;
using Detector.Domain;

namespace Detector.Tests.Enforcement.Firewall;

public class IptablesFirewallTests
{
    private static readonly IptablesTools Legacy = IptablesTools.For(IptablesFlavor.Legacy, _ => true);

    private static (IptablesFirewall Firewall, RecordingProcessRunner Runner) Build(Func<FirewallCommand, ProcessResult?> respond,
        FirewallSettings? settings = null)
    {
        var runner = new RecordingProcessRunner(respond);
        return (new IptablesFirewall(new CommandExecutor(runner, delay: (_, _) => Task.CompletedTask), Legacy, settings), runner);
    }

    private static string Line(FirewallCommand c) => string.Join(' ', [c.File, .. c.Args]);

    [Fact]
    public async Task A_ban_inserts_one_commented_drop_rule_per_chain_through_the_hosts_flavor()
    {
        var (firewall, runner) = Build(c => Line(c) switch
        {
            var l when l.Contains(" -C ") => new ProcessResult(1, "", "Bad rule"),
            _ => RecordingProcessRunner.Ok, // DOCKER-USER exists
        });

        await firewall.BanAsync(BanTarget.For(IpKey.Parse("203.0.113.9")), TimeSpan.FromMinutes(10), TestContext.Current.CancellationToken);

        Assert.Equal(
            [
                "iptables-legacy -w 5 -S DOCKER-USER",
                "iptables-legacy -w 5 -C INPUT -s 203.0.113.9/32 -m comment --comment detector -j DROP",
                "iptables-legacy -w 5 -I INPUT 1 -s 203.0.113.9/32 -m comment --comment detector -j DROP",
                "iptables-legacy -w 5 -C DOCKER-USER -s 203.0.113.9/32 -m comment --comment detector -j DROP",
                "iptables-legacy -w 5 -I DOCKER-USER 1 -s 203.0.113.9/32 -m comment --comment detector -j DROP",
            ],
            runner.Lines);
    }

    [Fact]
    public async Task With_DOCKER_USER_hooking_off_a_ban_goes_into_INPUT_only()
    {
        var (firewall, runner) = Build(c => Line(c).Contains(" -C ") ? new ProcessResult(1, "", "Bad rule") : RecordingProcessRunner.Ok,
            new FirewallSettings { HookDockerUser = false });

        await firewall.BanAsync(BanTarget.For(IpKey.Parse("203.0.113.9")), TimeSpan.FromMinutes(10), TestContext.Current.CancellationToken);

        Assert.Equal(
            [
                "iptables-legacy -w 5 -C INPUT -s 203.0.113.9/32 -m comment --comment detector -j DROP",
                "iptables-legacy -w 5 -I INPUT 1 -s 203.0.113.9/32 -m comment --comment detector -j DROP",
            ],
            runner.Lines);
    }

    [Fact]
    public async Task A_ban_already_in_place_is_not_inserted_twice()
    {
        var (firewall, runner) = Build(c => Line(c).Contains("DOCKER-USER") ? new ProcessResult(1, "", "No chain") : null);

        await firewall.BanAsync(BanTarget.For(IpKey.Parse("2001:db8::7")), null, TestContext.Current.CancellationToken);

        Assert.Equal(
            [
                "ip6tables-legacy -w 5 -S DOCKER-USER",
                "ip6tables-legacy -w 5 -C INPUT -s 2001:db8::7/128 -m comment --comment detector -j DROP",
            ],
            runner.Lines);
    }

    [Fact]
    public void Only_rules_of_exactly_detectors_shape_count_as_its_own()
    {
        const string save = """
            *filter
            :INPUT ACCEPT [0:0]
            :DOCKER-USER - [0:0]
            -A INPUT -s 198.51.100.1/32 -m comment --comment detector -j DROP
            -A INPUT -s 198.51.100.2/32 -j DROP
            -A INPUT -s 198.51.100.3/32 -m comment --comment detector-not -j DROP
            -A INPUT -s 198.51.100.4/32 -m comment --comment detector -j ACCEPT
            -A DOCKER-USER -s 198.51.100.1/32 -m comment --comment detector -j DROP
            -A DOCKER-USER -j RETURN
            COMMIT
            """;

        var rules = IptablesFirewall.ParseSave(save);

        Assert.Equal([BanTarget.For(IpKey.Parse("198.51.100.1"))], rules["INPUT"]);
        Assert.Equal([BanTarget.For(IpKey.Parse("198.51.100.1"))], rules["DOCKER-USER"]);
        Assert.Equal(2, rules.Count);
    }

    [Fact]
    public async Task Reconcile_writes_one_noflush_restore_per_family_with_deletes_and_inserts_per_chain()
    {
        const long now = 5000;
        var (firewall, runner) = Build(c => Line(c) switch
        {
            "iptables-legacy-save -t filter" => new ProcessResult(0,
                "*filter\n-A INPUT -s 198.51.100.1/32 -m comment --comment detector -j DROP\n" +
                "-A INPUT -s 198.51.100.9/32 -m comment --comment detector -j DROP\n" +
                "-A INPUT -s 198.51.100.9/32 -m comment --comment detector -j DROP\n" +
                "-A INPUT -s 10.0.0.1/32 -j DROP\nCOMMIT\n", ""),
            "ip6tables-legacy-save -t filter" => new ProcessResult(0, "*filter\nCOMMIT\n", ""),
            var l when l.Contains("-S DOCKER-USER") => new ProcessResult(1, "", "No chain"),
            _ => RecordingProcessRunner.Ok,
        });

        var result = await firewall.ReconcileAsync(
            [new DesiredBan(IpKey.Parse("198.51.100.1"), now + 60), new DesiredBan(IpKey.Parse("198.51.100.2"), null)],
            now, TestContext.Current.CancellationToken);

        var restore = Assert.Single(runner.Commands, c => c.File == "iptables-legacy-restore");
        Assert.Equal(["-w", "5", "--noflush"], restore.Args);
        Assert.Equal(
            "*filter\n" +
            "-D INPUT -s 198.51.100.9/32 -m comment --comment detector -j DROP\n" +
            "-D INPUT -s 198.51.100.9/32 -m comment --comment detector -j DROP\n" +
            "-I INPUT 1 -s 198.51.100.2/32 -m comment --comment detector -j DROP\n" +
            "COMMIT\n",
            restore.Stdin);
        Assert.DoesNotContain(runner.Commands, c => c.File == "ip6tables-legacy-restore");
        Assert.Equal(new ReconcileResult(Added: 1, Removed: 2, Size: 2), result);
    }
}
