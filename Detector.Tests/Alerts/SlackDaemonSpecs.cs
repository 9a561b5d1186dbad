using System.Text.Json;
using Detector.Configuration;
using Detector.Tests.Support;
using Detector.Host.Verbs;

namespace Detector.Tests.Alerts;

/// <summary>The `run` daemon with Slack configured: real log tail, sharded IP entities, ledger, webhook on loopback.</summary>
public sealed class SlackDaemonSpecs : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("detector-slack-run-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Run_prints_the_ban_and_slack_gets_it_with_the_ips_recent_requests_and_tier()
    {
        await using var webhook = await LoopbackHttpServer.StartAsync(ServerReply.Ok());
        var log = Path.Combine(_dir.FullName, "access.log");
        File.WriteAllText(log, "");
        var options = TestOptions.DryRun(Path.Combine(_dir.FullName, "data"));
        options.Log.Path = log;
        options.Log.PollIntervalMs = 50;
        options.Http.Url = $"http://127.0.0.1:{Ports.Free()}";
        options.Slack.WebhookUrl = new Uri(webhook.Url, "/services/T/B/secret").ToString();
        var printed = new StringWriter();
        var console = TextWriter.Synchronized(printed);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var daemon = Task.Run(() => RunCommand.RunAsync(options, console, stop.Token), TestContext.Current.CancellationToken);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(options.Http.Url) };
            await Eventually.True(() => Answers(http, "/healthz"), TimeSpan.FromSeconds(30), "the daemon's /healthz");
            await FloodWriter.AppendUntilAsync(log,
                (now, i) => $"{{\"time_iso8601\":\"{now.AddMilliseconds(i):yyyy-MM-ddTHH:mm:ss.fff}+00:00\",\"remote_addr\":\"203.0.113.77\",\"request_method\":\"POST\",\"request_uri\":\"/login?user=admin\",\"status\":\"401\",\"body_bytes_sent\":\"0\",\"http_user_agent\":\"hydra <v9>\"}}",
                () => Printed(printed, console).Contains(" BAN 203.0.113.77 | ") ? "" : null,
                TimeSpan.FromSeconds(30), "the BAN line on the console");
            await webhook.WaitForRequestsAsync(1, TimeSpan.FromSeconds(30));
            var ban = webhook.Requests.Select(r => r.Body).First(b => b.Contains("BAN 203.0.113.77"));
            Assert.Contains("`/login?user=admin`", ban);
            Assert.Contains("`hydra &lt;v9&gt;`", ban);
            Assert.Contains("offence 1, ladder step 1 of 4", ban);
            Assert.Contains("10 min", JsonDocument.Parse(ban).RootElement.GetProperty("text").GetString());
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await daemon;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>The synchronized writer locks on itself while writing.</summary>
    private static string Printed(StringWriter printed, TextWriter console)
    {
        lock (console) return printed.ToString();
    }

    private static bool Answers(HttpClient http, string path)
    {
        try
        {
            return http.GetAsync(path).Wait(TimeSpan.FromSeconds(1));
        }
        catch (AggregateException)
        {
            return false;
        }
    }
}
