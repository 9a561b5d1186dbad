using Detector.Enforcement.Firewall;
using Detector.Ingest;
using Detector.Domain;

namespace Detector.Tests.Enforcement.Firewall;

public class NftablesFirewallTests
{
    private static (NftablesFirewall Firewall, RecordingProcessRunner Runner) Build(Func<FirewallCommand, ProcessResult?>? respond = null, int ipv6Prefix = 128)
    {
        var runner = new RecordingProcessRunner(respond);
        return (new NftablesFirewall(new CommandExecutor(runner, delay: (_, _) => Task.CompletedTask),
            new FirewallSettings { Ipv6PrefixLength = ipv6Prefix }), runner);
    }

    [Fact]
    public async Task A_ban_adds_an_element_with_a_timeout_and_a_permanent_ban_one_without()
    {
        var (firewall, runner) = Build();

        await firewall.BanAsync(BanTarget.For(IpKey.Parse("203.0.113.9")), TimeSpan.FromMinutes(30), TestContext.Current.CancellationToken);
        await firewall.BanAsync(BanTarget.For(IpKey.Parse("2001:db8::5")), null, TestContext.Current.CancellationToken);

        Assert.Equal(
            [
                new FirewallCommand("nft", ["add", "element", "inet", "detector", "banned_v4", "{", "203.0.113.9", "timeout", "1800s", "}"]),
                new FirewallCommand("nft", ["add", "element", "inet", "detector", "banned_v6", "{", "2001:db8::5", "}"]),
            ],
            runner.Commands);
    }

    [Fact]
    public async Task An_unban_adds_then_deletes_in_one_transaction_so_a_vanished_element_is_no_error()
    {
        var (firewall, runner) = Build();

        await firewall.UnbanAsync(BanTarget.For(IpKey.Parse("203.0.113.9")), TestContext.Current.CancellationToken);

        Assert.Equal(
            [new FirewallCommand("nft", ["-f", "-"],
                "add element inet detector banned_v4 { 203.0.113.9 }\ndelete element inet detector banned_v4 { 203.0.113.9 }\n")],
            runner.Commands);
    }

    [Fact]
    public void Prepare_declares_sets_and_rewrites_only_detectors_own_chains_on_input_and_forward()
    {
        var (firewall, _) = Build(ipv6Prefix: 64);

        Assert.Equal(
            """
            add table inet detector
            add set inet detector banned_v4 { type ipv4_addr; flags timeout; }
            add set inet detector banned_v6 { type ipv6_addr; flags interval,timeout; }
            add chain inet detector input { type filter hook input priority filter - 10; policy accept; }
            flush chain inet detector input
            add rule inet detector input ip saddr @banned_v4 drop
            add rule inet detector input ip6 saddr @banned_v6 drop
            add chain inet detector forward { type filter hook forward priority filter - 10; policy accept; }
            flush chain inet detector forward
            add rule inet detector forward ip saddr @banned_v4 drop
            add rule inet detector forward ip6 saddr @banned_v6 drop

            """.ReplaceLineEndings("\n"),
            firewall.PrepareScript());
    }

    [Fact]
    public void Reconcile_script_removes_then_adds_in_batches()
    {
        var diff = new ReconcileDiff(
            [
                new TargetEntry(BanTarget.For(IpKey.Parse("192.0.2.1")), 60),
                new TargetEntry(BanTarget.For(IpKey.Parse("192.0.2.2")), null),
                new TargetEntry(BanTarget.For(IpKey.Parse("192.0.2.3")), 5),
            ],
            [BanTarget.For(IpKey.Parse("2001:db8::9"))]);

        Assert.Equal(
            "add element inet detector banned_v6 { 2001:db8::9 }\n" +
            "delete element inet detector banned_v6 { 2001:db8::9 }\n" +
            "add element inet detector banned_v4 { 192.0.2.1 timeout 60s, 192.0.2.2 }\n" +
            "add element inet detector banned_v4 { 192.0.2.3 timeout 5s }\n",
            NftablesFirewall.ReconcileScript(diff, batchSize: 2));
    }

    [Fact]
    public void Members_are_read_from_nft_json_in_all_three_shapes()
    {
        const string json = """
            {"nftables": [{"metainfo": {"version": "1.0.6"}}, {"set": {"family": "inet", "name": "banned_v6", "table": "detector",
              "elem": ["2001:db8::1", {"elem": {"val": "2001:db8::2", "timeout": 600, "expires": 599}},
                       {"elem": {"val": {"prefix": {"addr": "2001:db8:5::", "len": 64}}, "timeout": 60}},
                       {"prefix": {"addr": "2001:db8:6::", "len": 48}}]}}]}
            """;

        Assert.Equal(
            [
                BanTarget.For(IpKey.Parse("2001:db8::1")),
                BanTarget.For(IpKey.Parse("2001:db8::2")),
                BanTarget.For(IpKey.Parse("2001:db8:5::"), 64),
                BanTarget.For(IpKey.Parse("2001:db8:6::"), 48),
            ],
            NftablesFirewall.ParseJsonSet(json));
    }
}
