using Detector.Audit;
using Detector.Configuration;
using Detector.Ingest;
using Detector.Simulation;
using Detector.Tests.Support;
using Detector.Domain;
using Detector.Host.Verbs;

namespace Detector.Tests.Alerts;

/// <summary>Slack is off the detection path: the replay verb with a webhook that never answers.</summary>
public sealed class SlackReplaySpecs : IDisposable
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-04-29T13:00:00+00:00");
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("detector-slack-replay-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task A_hanging_webhook_does_not_hold_up_replay_and_the_audit_is_the_same_as_without_slack()
    {
        var log = Path.Combine(_dir.FullName, "access.log");
        new TrafficScenario(seed: 5, Start)
            .WithClients(200, meanTotalRatePerSecond: 12)
            .WithFlood(IpKey.Parse("203.0.113.9"), TimeSpan.FromMinutes(8), TimeSpan.FromMinutes(1), 150)
            .WithFlood(IpKey.Parse("2001:db8:bad::1"), TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(1), 100)
            .WriteTo(log, TimeSpan.FromMinutes(30));
        await using var webhook = await LoopbackHttpServer.StartAsync(ServerReply.Hanging);

        var withoutSlack = await ReplayAsync(log, "plain.log", slack: null);
        var withSlack = await ReplayAsync(log, "slack.log", new SlackOptions
        {
            WebhookUrl = new Uri(webhook.Url, "/services/T/B/secret").ToString(),
            AttemptTimeoutSeconds = 600,
            TotalTimeoutSeconds = 600,
            ShutdownDrainSeconds = 0.5,
        });

        Assert.Equal(withoutSlack, withSlack);
        Assert.Contains(File.ReadLines(Path.Combine(_dir.FullName, "slack.log")), l => AuditEvent.TryParse(l)?.Action == AuditAction.Ban);
        // Slack was really in play: its first alert is still waiting for an answer.
        await webhook.WaitForRequestsAsync(1);
        Assert.Contains("\"blocks\":[", webhook.Requests[0].Body);
    }

    private async Task<byte[]> ReplayAsync(string log, string auditName, SlackOptions? slack)
    {
        var options = new DetectorOptions();
        options.Log.Path = log;
        if (slack is not null) options.Slack = slack;
        var audit = Path.Combine(_dir.FullName, auditName);

        var exit = await ReplayCommand.RunAsync(options, audit, new StringWriter(), TestContext.Current.CancellationToken);

        Assert.Equal(0, exit);
        return await File.ReadAllBytesAsync(audit, TestContext.Current.CancellationToken);
    }
}
