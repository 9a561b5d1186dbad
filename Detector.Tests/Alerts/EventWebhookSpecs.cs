using System.Text;
using System.Text.Json;
using Akka.Actor;
using Akka.Hosting;
using Detector.Alerts;
using Detector.Audit;
using Detector.Configuration;
using Detector.Domain;
using Detector.Hosting;
using Detector.Host.Verbs;
using Detector.Simulation;
using Detector.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Detector.Tests.Alerts;

/// <summary>The event webhook against a real HTTP receiver on loopback that verifies what it gets, composed with the
/// production extensions (<c>AddEventWebhook</c>, <c>WithEventWebhook</c>); events are published on the event
/// stream as the audit writer does.</summary>
public sealed class EventWebhookSpecs : IDisposable
{
    private const string Secret = "shared-s3cret";
    private static readonly long At = DateTimeOffset.Parse("2026-05-04T08:00:00Z").ToUnixTimeSeconds();
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("detector-event-webhook-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static EventWebhookOptions Options(Uri receiver, string[]? actions = null) => new()
    {
        Url = new Uri(receiver, "/hooks/detector").ToString(),
        Secret = Secret,
        Actions = actions ?? [],
        RetryBaseDelaySeconds = 0.01,
        AttemptTimeoutSeconds = 5,
        TotalTimeoutSeconds = 60,
        ShutdownDrainSeconds = 0.2,
    };

    private static async Task<IHost> StartAsync(EventWebhookOptions options)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddEventWebhook(options);
        builder.Services.AddAkka("event-webhook-test", akka => akka.WithEventWebhook(options));
        var host = builder.Build();
        await host.StartAsync();
        // Identify is answered after PreStart, so the actor is subscribed to the event stream from here on.
        await host.Services.GetRequiredService<ActorSystem>().ActorSelection("/user/event-webhook").ResolveOne(TimeSpan.FromSeconds(10));
        return host;
    }

    private static void Publish(IHost host, DetectorEvent e) => host.Services.GetRequiredService<ActorSystem>().EventStream.Publish(e);

    private static bool Verified(RecordedRequest request) => WebhookSignature.Verify(Secret,
        request.Header(WebhookSignature.TimestampHeader), Encoding.UTF8.GetBytes(request.Body), request.Header(WebhookSignature.SignatureHeader));

    [Fact]
    public async Task A_ban_is_posted_as_signed_json_that_the_receiver_verifies()
    {
        await using var receiver = await LoopbackHttpServer.StartAsync(ServerReply.Ok());
        using var host = await StartAsync(Options(receiver.Url));

        Publish(host, new BanImposed(At, IpKey.Parse("203.0.113.9"), 2, At + 1800, "ip_rate>20.0/s", 95.5, 1.2, 0.8));
        await receiver.WaitForRequestsAsync(1);

        var request = receiver.Requests[0];
        Assert.Equal("POST", request.Method);
        Assert.Equal("/hooks/detector", request.Path);
        Assert.StartsWith("application/json", request.ContentType);
        Assert.Equal("BAN", request.Header(WebhookSignature.EventHeader));
        Assert.True(Verified(request), "the receiver verifies the signature with the shared secret");
        Assert.False(WebhookSignature.Verify("wrong", request.Header(WebhookSignature.TimestampHeader),
            Encoding.UTF8.GetBytes(request.Body), request.Header(WebhookSignature.SignatureHeader)));

        using var json = JsonDocument.Parse(request.Body);
        var body = json.RootElement;
        Assert.Equal("BAN", body.GetProperty("action").GetString());
        Assert.Equal("2026-05-04T08:00:00Z", body.GetProperty("at").GetString());
        Assert.Equal(At, body.GetProperty("at_unix").GetInt64());
        Assert.Equal("203.0.113.9", body.GetProperty("ip").GetString());
        Assert.Equal(2, body.GetProperty("offence").GetInt32());
        Assert.Equal(1800, body.GetProperty("duration_s").GetInt64());
        Assert.Equal("ip_rate>20.0/s", body.GetProperty("condition").GetString());
        Assert.Equal(95.5, body.GetProperty("rate").GetDouble());
        Assert.Equal(request.Header(WebhookSignature.DeliveryHeader), body.GetProperty("id").GetString());
        Assert.Equal(1, host.Services.GetRequiredService<EventWebhookStats>().Sent);
    }

    [Fact]
    public async Task A_failed_delivery_is_retried_with_the_same_delivery_id()
    {
        await using var receiver = await LoopbackHttpServer.StartAsync((_, n) => n == 0 ? ServerReply.Error(503) : ServerReply.Ok());
        using var host = await StartAsync(Options(receiver.Url));

        Publish(host, new BanLifted(At, IpKey.Parse("2001:db8::7"), "expired", 600, 0, 1, 1));
        await receiver.WaitForRequestsAsync(2);
        var stats = host.Services.GetRequiredService<EventWebhookStats>();
        await Eventually.True(() => stats.Sent == 1, TimeSpan.FromSeconds(10), "the retried event to count as sent");

        var (first, second) = (receiver.Requests[0], receiver.Requests[1]);
        Assert.Equal(first.Header(WebhookSignature.DeliveryHeader), second.Header(WebhookSignature.DeliveryHeader));
        Assert.Equal(first.Body, second.Body);
        Assert.True(Verified(second));
        Assert.Equal(1, stats.Retried);
        Assert.Equal(0, stats.Failed);
    }

    [Fact]
    public async Task Only_the_configured_actions_are_posted_in_audit_order()
    {
        await using var receiver = await LoopbackHttpServer.StartAsync(ServerReply.Ok());
        using var host = await StartAsync(Options(receiver.Url));

        Publish(host, new BaselineRecomputed(new BaselineSnapshot(At, 12.9, 5.8, 5.8, 0.031, 1, 2, 100, "08h", true), 3.0));
        Publish(host, new BanImposed(At, IpKey.Parse("198.51.100.4"), 1, At + 600, "ip_errors>30", 2, 0.1, 0.1));
        Publish(host, new AnomalyAllowlisted(At + 1, new IpVerdict(IpKey.Parse("10.0.0.1"), At + 1, "ip_rate>20.0/s", 30, 1, 1), "allowlist"));
        Publish(host, new GlobalAlertRaised(At + 2, "global_auth_failures>4.0x_expected", 2.1, 0.1, 0.1));
        Publish(host, new BanLifted(At + 600, IpKey.Parse("198.51.100.4"), "expired", 600, 0, 0.1, 0.1));
        await receiver.WaitForRequestsAsync(3);

        Assert.Equal(["BAN", "ALERT", "UNBAN"], receiver.Requests.Select(r => r.Header(WebhookSignature.EventHeader)));
        Assert.All(receiver.Requests, r => Assert.True(Verified(r)));
    }

    [Fact]
    public async Task Text_from_the_log_arrives_escaped_and_exactly_as_it_was()
    {
        await using var receiver = await LoopbackHttpServer.StartAsync(ServerReply.Ok());
        using var host = await StartAsync(Options(receiver.Url));
        const string hostile = "manual \u202Eevil\u2028\n\"}<script>";

        Publish(host, new BanLifted(At, IpKey.Parse("192.0.2.1"), hostile, null, 0, 0, 0));
        await receiver.WaitForRequestsAsync(1);

        var raw = receiver.Requests[0].Body;
        Assert.DoesNotContain('\n', raw);
        Assert.DoesNotContain('\u202E', raw);
        Assert.DoesNotContain("<script>", raw);
        using var json = JsonDocument.Parse(raw);
        Assert.Equal(hostile, json.RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public void Without_a_secret_a_webhook_url_is_a_configuration_error_that_does_not_echo_the_url()
    {
        var options = new DetectorOptions { Webhook = { Url = "https://siem.example/hooks/T0K3N" } };

        var errors = options.Validate().ToList();

        var error = Assert.Single(errors, e => e.StartsWith("Detector:Webhook", StringComparison.Ordinal));
        Assert.Contains("Secret", error);
        Assert.DoesNotContain("T0K3N", error);
    }

    [Fact]
    public async Task A_dead_receiver_changes_nothing_in_detection()
    {
        var log = Path.Combine(_dir.FullName, "access.log");
        new TrafficScenario(seed: 7, DateTimeOffset.Parse("2026-04-29T13:00:00+00:00"))
            .WithClients(150, meanTotalRatePerSecond: 10)
            .WithFlood(IpKey.Parse("203.0.113.9"), TimeSpan.FromMinutes(8), TimeSpan.FromMinutes(1), 150)
            .WriteTo(log, TimeSpan.FromMinutes(20));
        // Nothing listens on this port: every attempt is refused.
        var dead = new Uri($"http://127.0.0.1:{Ports.Free()}");

        var plain = await ReplayAsync(log, "plain.log", webhook: null);
        var withDeadWebhook = await ReplayAsync(log, "webhook.log", Options(dead));

        Assert.Equal(plain, withDeadWebhook);
        Assert.Contains(File.ReadLines(Path.Combine(_dir.FullName, "webhook.log")), l => AuditEvent.TryParse(l)?.Action == AuditAction.Ban);
    }

    private async Task<byte[]> ReplayAsync(string log, string auditName, EventWebhookOptions? webhook)
    {
        var options = new DetectorOptions();
        options.Log.Path = log;
        if (webhook is not null) options.Webhook = webhook;
        var audit = Path.Combine(_dir.FullName, auditName);

        var exit = await ReplayCommand.RunAsync(options, audit, new StringWriter(), TestContext.Current.CancellationToken);

        Assert.Equal(0, exit);
        return await File.ReadAllBytesAsync(audit, TestContext.Current.CancellationToken);
    }
}
