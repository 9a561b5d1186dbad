using Akka.Actor;
using Akka.TestKit;
using Detector.Audit;
using Detector.Configuration;
using Detector.Domain;
using Detector.Enforcement;
using Detector.Enforcement.Firewall;

namespace Detector.Tests.Enforcement.Firewall;

/// <summary>
/// The firewall actor flushes a batched backend (Nginx) once per burst: the flush is its own timer, driven here by
/// Akka's test scheduler, so the test moves time and never sleeps.
/// </summary>
public sealed class NginxFlushSpecs() : Akka.TestKit.Xunit.TestKit("akka.scheduler.implementation = \"Akka.TestKit.TestScheduler, Akka.TestKit\"")
{
    private const long T0 = 1_777_472_669; // 2026-04-29T14:24:29Z
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(200);
    private readonly string _dir = Directory.CreateTempSubdirectory("detector-nginx-flush-").FullName;

    protected override void AfterAll()
    {
        base.AfterAll();
        Directory.Delete(_dir, recursive: true);
    }

    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private (IActorRef Actor, TestProbe Audit, NginxFirewall Nginx) Start(RecordingProcessRunner runner, bool nameBackend = false)
    {
        var options = new NginxBanOptions { Directory = _dir, ReloadDelayMs = (int)Delay.TotalMilliseconds };
        var nginx = new NginxFirewall(options, NginxReloads.From(options,
            new CommandExecutor(runner, new RetryPolicy(1, TimeSpan.Zero, TimeSpan.Zero), delay: (_, _) => Task.CompletedTask)));
        var audit = CreateTestProbe();
        var actor = Sys.ActorOf(FirewallActor.Props(nginx, CreateTestProbe(), audit, new FirewallActorSettings
        {
            ReconcileAtStart = false,
            ReconcileInterval = null,
            NameBackendInAudit = nameBackend,
        }));
        return (actor, audit, nginx);
    }

    /// <summary>Every message told before has been handled (an async handler holds the mailbox until it is done).</summary>
    private static Task Settled(IActorRef actor) => actor.Ask<ActorIdentity>(new Identify(null), TimeSpan.FromSeconds(10), Ct);

    private static FirewallBan Ban(int i) =>
        new(IpKey.Parse($"203.0.113.{i}"), BanTarget.For(IpKey.Parse($"203.0.113.{i}")), TimeSpan.FromMinutes(10), T0);

    [Fact]
    public async Task A_burst_of_bans_costs_one_reload_at_the_end_of_the_interval_and_a_later_burst_another()
    {
        var runner = new RecordingProcessRunner();
        var (actor, audit, nginx) = Start(runner);

        for (var i = 1; i <= 20; i++) actor.Tell(Ban(i));
        await Settled(actor);
        Scheduler.Advance(Delay - TimeSpan.FromMilliseconds(1));
        await Settled(actor);
        Assert.Empty(runner.Commands);
        Assert.False(File.Exists(nginx.BansPath));

        Scheduler.Advance(TimeSpan.FromMilliseconds(1));
        await Settled(actor);
        Assert.Equal(["nginx -s reload"], runner.Lines);
        Assert.Equal(20, (await nginx.ListAsync(Ct)).Count);
        Assert.Equal(20, nginx.Stats.Snapshot().Applied);

        actor.Tell(new FirewallUnban(Ban(1).Ip, Ban(1).Target, T0 + 600));
        actor.Tell(Ban(21));
        await Settled(actor);
        Scheduler.Advance(Delay);
        await Settled(actor);
        Assert.Equal(2, runner.Commands.Count);
        Assert.DoesNotContain(Ban(1).Target, await nginx.ListAsync(Ct));
        audit.ExpectNoMsg(TimeSpan.Zero, Ct);
    }

    [Fact]
    public async Task A_failed_reload_audits_each_ban_it_carried_with_the_backend_and_the_next_reconcile_reloads()
    {
        var failing = true;
        var runner = new RecordingProcessRunner(_ => failing ? new ProcessResult(1, "", "nginx: [error] invalid PID number \"\" in \"/run/nginx.pid\"") : null);
        var (actor, audit, nginx) = Start(runner, nameBackend: true);

        actor.Tell(Ban(1));
        actor.Tell(Ban(2));
        await Settled(actor);
        Scheduler.Advance(Delay);

        var lines = new[] { audit.ExpectMsg<FirewallFailed>(cancellationToken: Ct), audit.ExpectMsg<FirewallFailed>(cancellationToken: Ct) }.Select(f => AuditEvent.Of(f).Format()).ToList();
        Assert.Equal(
            "[2026-04-29T14:24:29Z] BAN_FAILED 203.0.113.1 | nginx: nginx -s reload exit 1: nginx: [error] invalid PID number \"\" in \"/run/nginx.pid\" | 0.0 req/s | - | 600s",
            lines[0]);
        Assert.StartsWith("[2026-04-29T14:24:29Z] BAN_FAILED 203.0.113.2 | nginx: nginx -s reload", lines[1]);
        Assert.Equal(2, nginx.Stats.Snapshot().Failures);

        // The file is written; the reload is what failed, and the next reconcile tries it again.
        failing = false;
        var ledger = CreateTestProbe();
        var reconciling = Sys.ActorOf(FirewallActor.Props(nginx, ledger, audit, new FirewallActorSettings { ReconcileAtStart = false, ReconcileInterval = null }));
        reconciling.Tell(ReconcileFirewall.Instance, TestActor);
        ledger.ExpectMsg<GetDesiredBans>(cancellationToken: Ct);
        ledger.Reply(new DesiredBans([new DesiredBan(Ban(1).Ip, T0 + 600), new DesiredBan(Ban(2).Ip, T0 + 600)], T0 + 1));
        Assert.Equal(new FirewallReconciled(0, 0, 2), ExpectMsg<FirewallReconciled>(cancellationToken: Ct));
        Assert.Equal(2, runner.Commands.Count);
    }
}
