using Akka.Actor;
using Akka.TestKit;
using Detector.Audit;
using Detector.Domain;
using Detector.Enforcement;
using Detector.Enforcement.Firewall;
using Detector.Enforcement.Firewall.Cloudflare;

namespace Detector.Tests.Enforcement.Firewall.Cloudflare;

/// <summary>The firewall actor drives the cloudflare backend like Nginx: a burst of bans is one flush, so one add
/// request; a failed flush audits each ban it carried. The flush timer runs on Akka's test scheduler.</summary>
public sealed class CloudflareFlushSpecs() : Akka.TestKit.Xunit.TestKit("akka.scheduler.implementation = \"Akka.TestKit.TestScheduler, Akka.TestKit\""), IAsyncLifetime
{
    private const long T0 = 1_777_472_669;
    private CloudflareListsServer _server = null!;
    private readonly HttpClient _http = new();

    public async ValueTask InitializeAsync() => _server = await CloudflareListsServer.StartAsync();

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private (IActorRef Actor, TestProbe Audit, CloudflareListFirewall Backend) Start(string token)
    {
        var backend = new CloudflareListFirewall(new CloudflareApi(_http,
            new CloudflareSettings(_server.ApiUrl, CloudflareListsServer.AccountId, CloudflareListsServer.ListId, token),
            (_, _) => Task.CompletedTask));
        var audit = CreateTestProbe();
        var actor = Sys.ActorOf(FirewallActor.Props(backend, CreateTestProbe(), audit, new FirewallActorSettings
        {
            ReconcileAtStart = false,
            ReconcileInterval = null,
            NameBackendInAudit = true,
        }));
        return (actor, audit, backend);
    }

    private static Task Settled(IActorRef actor) => actor.Ask<ActorIdentity>(new Identify(null), TimeSpan.FromSeconds(10), Ct);

    private static FirewallBan Ban(int i) =>
        new(IpKey.Parse($"203.0.113.{i}"), BanTarget.For(IpKey.Parse($"203.0.113.{i}")), TimeSpan.FromMinutes(10), T0);

    [Fact]
    public async Task A_burst_of_bans_is_one_add_request_when_the_flush_is_due()
    {
        var (actor, audit, backend) = Start(CloudflareListsServer.Token);

        for (var i = 1; i <= 20; i++) actor.Tell(Ban(i));
        await Settled(actor);
        Assert.Empty(_server.Writes);

        Scheduler.Advance(backend.FlushDelay);
        await Settled(actor);
        Assert.Single(_server.Writes);
        Assert.Equal(20, _server.Ips.Count);
        Assert.Equal(20, backend.Stats.Snapshot().Applied);
        audit.ExpectNoMsg(TimeSpan.Zero, Ct);
    }

    [Fact]
    public async Task A_rejected_token_audits_each_ban_of_the_flush_as_failed_naming_the_backend()
    {
        var (actor, audit, backend) = Start("revoked");

        actor.Tell(Ban(1));
        actor.Tell(Ban(2));
        await Settled(actor);
        Scheduler.Advance(backend.FlushDelay);
        await Settled(actor);

        var failures = new[] { audit.ExpectMsg<FirewallFailed>(cancellationToken: Ct), audit.ExpectMsg<FirewallFailed>(cancellationToken: Ct) };
        Assert.Equal(["203.0.113.1", "203.0.113.2"], failures.Select(f => f.Ip.ToString()));
        Assert.All(failures, f => Assert.Equal("cloudflare", f.Backend));
        Assert.All(failures, f => Assert.Contains("HTTP 403 (check the API token", f.Reason));
        Assert.Empty(_server.Ips);
    }
}
