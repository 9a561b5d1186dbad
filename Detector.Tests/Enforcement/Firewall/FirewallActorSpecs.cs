using Akka.Actor;
using Detector.Audit;
using Detector.Enforcement;
using Detector.Enforcement.Firewall;
using Detector.Ingest;
using Detector.Domain;

namespace Detector.Tests.Enforcement.Firewall;

/// <summary>The firewall actor applies, audits failures and reconciles on request; the ledger is a test probe.</summary>
public sealed class FirewallActorSpecs : Akka.TestKit.Xunit.TestKit
{
    private const long T0 = 1_777_472_669; // 2026-04-29T14:24:29Z
    private static readonly IpKey Ip = IpKey.Parse("203.0.113.9");

    private (IActorRef Actor, Akka.TestKit.TestProbe Ledger, Akka.TestKit.TestProbe Audit) Start(IFirewall firewall)
    {
        var ledger = CreateTestProbe();
        var audit = CreateTestProbe();
        var actor = Sys.ActorOf(FirewallActor.Props(firewall, ledger, audit, new FirewallActorSettings
        {
            ReconcileAtStart = false,
            ReconcileInterval = null,
        }));
        return (actor, ledger, audit);
    }

    private static IpsetFirewall Ipset(RecordingProcessRunner runner, int ipv6Prefix = 128) =>
        new(new CommandExecutor(runner, new RetryPolicy(3, TimeSpan.Zero, TimeSpan.Zero), delay: (_, _) => Task.CompletedTask),
            IptablesTools.Plain, new FirewallSettings { Ipv6PrefixLength = ipv6Prefix });

    private static DesiredBan Banned(string ip, long? expiresAt) => new(IpKey.Parse(ip), expiresAt);

    [Fact]
    public void A_ban_that_keeps_failing_is_audited_as_BAN_FAILED_and_counted()
    {
        var runner = RecordingProcessRunner.Failing("ipset add", 1, "ipset v7.17: The set with the given name does not exist");
        var firewall = Ipset(runner);
        var (actor, _, audit) = Start(firewall);

        actor.Tell(new FirewallBan(Ip, BanTarget.For(Ip), TimeSpan.FromMinutes(10), T0));

        var failed = audit.ExpectMsg<FirewallFailed>();
        Assert.Equal((FirewallOperation.Ban, Ip, 600L), (failed.Operation, failed.Ip, failed.BanDurationSeconds));
        var line = AuditEvent.Of(failed);
        Assert.Equal(
            "[2026-04-29T14:24:29Z] BAN_FAILED 203.0.113.9 | ipset add detector-v4 203.0.113.9 timeout 600 -exist exit 1: " +
            "ipset v7.17: The set with the given name does not exist | 0.0 req/s | - | 600s",
            line.Format());
        Assert.Equal(line, AuditEvent.TryParse(line.Format()));
        Assert.Equal(3, runner.Commands.Count);
        var stats = firewall.Stats.Snapshot();
        Assert.Equal((0, 1L), (stats.Applied, stats.Failures));
        Assert.Contains("exit 1", stats.LastError);
    }

    [Fact]
    public void A_failed_unban_is_audited_as_UNBAN_FAILED()
    {
        var (actor, _, audit) = Start(Ipset(RecordingProcessRunner.Failing("ipset del", 2, "timeout | pipe")));

        actor.Tell(new FirewallUnban(Ip, BanTarget.For(Ip), T0 + 600));

        var line = AuditEvent.Of(audit.ExpectMsg<FirewallFailed>());
        Assert.Equal("[2026-04-29T14:34:29Z] UNBAN_FAILED 203.0.113.9 | ipset del detector-v4 203.0.113.9 -exist exit 2: timeout / pipe | 0.0 req/s | - | -",
            line.Format());
    }

    [Fact]
    public void Applied_bans_and_unbans_are_counted_and_not_audited()
    {
        var firewall = Ipset(new RecordingProcessRunner());
        var (actor, ledger, audit) = Start(firewall);

        actor.Tell(new FirewallBan(Ip, BanTarget.For(Ip), null, T0));
        actor.Tell(new FirewallUnban(Ip, BanTarget.For(Ip), T0 + 1));
        actor.Tell(ReconcileFirewall.Instance);
        ledger.ExpectMsg<GetDesiredBans>();
        ledger.Reply(new DesiredBans([], T0 + 1));
        ExpectMsg<FirewallReconciled>();

        audit.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal(2, firewall.Stats.Snapshot().Applied);
    }

    [Fact]
    public void Reconcile_asks_the_ledger_for_its_bans_and_applies_the_difference_at_the_ledgers_time()
    {
        var runner = new RecordingProcessRunner(c => string.Join(' ', [c.File, .. c.Args]) switch
        {
            "ipset save detector-v4" => new ProcessResult(0, "add detector-v4 198.51.100.66 timeout 0\n", ""),
            _ => null,
        });
        var firewall = Ipset(runner);
        var (actor, ledger, _) = Start(firewall);

        actor.Tell(ReconcileFirewall.Instance);
        ledger.ExpectMsg<GetDesiredBans>();
        ledger.Reply(new DesiredBans([Banned("192.0.2.1", T0 + 600), Banned("192.0.2.2", null)], T0 + 100));

        Assert.Equal(new FirewallReconciled(Added: 2, Removed: 1, Size: 2), ExpectMsg<FirewallReconciled>());
        var restore = Assert.Single(runner.Commands, c => c.Args.FirstOrDefault() == "restore");
        Assert.Equal("del detector-v4 198.51.100.66\nadd detector-v4 192.0.2.1 timeout 500\nadd detector-v4 192.0.2.2 timeout 0\n", restore.Stdin);
        var stats = firewall.Stats.Snapshot();
        Assert.Equal((2, 1, 2, 1L), (stats.LastReconcileAdded, stats.LastReconcileRemoved, stats.SetSize, stats.Reconciles));
    }

    [Fact]
    public void A_failed_reconcile_is_audited_and_the_next_one_applies_again()
    {
        var failing = true;
        // Reading the set fails (a refused entry alone no longer fails a reconcile: see the test above).
        var runner = new RecordingProcessRunner(c => failing && c.Args.FirstOrDefault() == "save" ? new ProcessResult(1, "", "ipset v7.17: Kernel error received: Operation not permitted") : null);
        var (actor, ledger, audit) = Start(Ipset(runner));
        var snapshot = new DesiredBans([Banned("192.0.2.1", null)], T0);

        actor.Tell(ReconcileFirewall.Instance);
        ledger.ExpectMsg<GetDesiredBans>();
        ledger.Reply(snapshot);
        ExpectMsg<FirewallReconcileFailed>();
        var failed = audit.ExpectMsg<FirewallFailed>();
        Assert.Equal((FirewallOperation.Reconcile, (IpKey?)null), (failed.Operation, failed.Ip));
        var line = AuditEvent.Of(failed);
        Assert.Equal(("RECONCILE_FAILED", "-", T0), (line.Action, line.Subject, line.At));
        Assert.StartsWith("ipset save detector-v4 exit 1: ipset v7.17: Kernel error received", line.Condition);

        failing = false;
        actor.Tell(ReconcileFirewall.Instance);
        ledger.ExpectMsg<GetDesiredBans>();
        ledger.Reply(snapshot);
        Assert.Equal(1, ExpectMsg<FirewallReconciled>().Added);
    }

    [Fact]
    public void An_entry_the_kernel_refuses_is_audited_once_while_the_others_are_applied_at_every_reconcile()
    {
        var runner = new RecordingProcessRunner(c => string.Join(' ', [c.File, .. c.Args]) switch
        {
            "ipset restore -exist" => new ProcessResult(1, "", "ipset v7.17: Error in line 1: Null-valued element, cannot be stored in a hash type of set"),
            var line when line.StartsWith("ipset add detector-v4 0.0.0.0 ") => new ProcessResult(1, "", "ipset v7.17: Null-valued element, cannot be stored in a hash type of set"),
            _ => null,
        });
        var firewall = Ipset(runner);
        var (actor, ledger, audit) = Start(firewall);
        var bans = new DesiredBans([Banned("0.0.0.0", null), Banned("192.0.2.1", null)], T0);

        foreach (var _ in Enumerable.Range(0, 3))
        {
            actor.Tell(ReconcileFirewall.Instance);
            ledger.ExpectMsg<GetDesiredBans>();
            ledger.Reply(bans);
            var reconciled = ExpectMsg<FirewallReconciled>();
            Assert.Equal(1, reconciled.Added);
        }

        var failed = audit.ExpectMsg<FirewallFailed>();
        Assert.Equal((FirewallOperation.Ban, IpKey.Parse("0.0.0.0"), (long?)null), (failed.Operation, failed.Ip, failed.BanDurationSeconds));
        Assert.Contains("Null-valued element", failed.Reason);
        audit.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.Equal(3, runner.Lines.Count(l => l.StartsWith("ipset add detector-v4 192.0.2.1 ")));
        Assert.Equal(1, firewall.Stats.Snapshot().Failures);
    }

    [Fact]
    public void With_an_ipv6_prefix_an_unban_keeps_the_network_blocked_while_another_ban_in_it_remains()
    {
        var runner = new RecordingProcessRunner();
        var (actor, ledger, _) = Start(Ipset(runner, ipv6Prefix: 64));
        var first = IpKey.Parse("2001:db8:0:1::a");
        var second = IpKey.Parse("2001:db8:0:1::b");

        actor.Tell(new FirewallBan(first, BanTarget.For(first, 64), null, T0));
        actor.Tell(new FirewallBan(second, BanTarget.For(second, 64), null, T0));
        actor.Tell(new FirewallUnban(first, BanTarget.For(first, 64), T0 + 1));
        actor.Tell(new FirewallUnban(second, BanTarget.For(second, 64), T0 + 2));
        actor.Tell(ReconcileFirewall.Instance);
        ledger.ExpectMsg<GetDesiredBans>();
        ledger.Reply(new DesiredBans([], T0 + 2));
        ExpectMsg<FirewallReconciled>();

        Assert.Equal(
            [
                "ipset add detector-v6 2001:db8:0:1::/64 timeout 0 -exist",
                "ipset add detector-v6 2001:db8:0:1::/64 timeout 0 -exist",
                "ipset del detector-v6 2001:db8:0:1::/64 -exist",
            ],
            runner.Lines.Where(l => l.StartsWith("ipset add") || l.StartsWith("ipset del")));
    }

    [Fact]
    public void Stopping_the_firewall_actor_runs_no_command()
    {
        var runner = new RecordingProcessRunner();
        var (actor, _, _) = Start(Ipset(runner));
        actor.Tell(new FirewallBan(Ip, BanTarget.For(Ip), null, T0));
        AwaitCondition(() => runner.Commands.Count == 1);

        Watch(actor);
        Sys.Stop(actor);
        ExpectTerminated(actor);

        Assert.Single(runner.Commands);
    }
}
