using System.Net;
using Detector.Configuration;
using Detector.Host.Composition;
using Detector.Hosting;
using Detector.Tests.Support;
using Detector.Host.Verbs;

namespace Detector.Tests.Integration;

/// <summary>The daemon as `run` composes it: live tail, single-node cluster with sharded IP windows, HTTP.</summary>
public sealed class RunDaemonSpecs : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("detector-run-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Daemon_follows_a_live_log_bans_a_flood_and_answers_healthz()
    {
        var log = Path.Combine(_dir.FullName, "access.log");
        File.WriteAllText(log, "");
        var options = TestOptions.DryRun(Path.Combine(_dir.FullName, "data"));
        options.Log.Path = log;
        options.Log.PollIntervalMs = 50;
        options.Http.Url = $"http://127.0.0.1:{Ports.Free()}";
        var audit = DetectorServices.AuditPath(options);
        Directory.CreateDirectory(options.DataDir);

        var app = RunCommand.BuildApp(options, new DetectorComposition(PipelineRun.Live(fromStart: false), IpWindowHosting.Sharded, audit));
        await app.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(options.Http.Url) };
            var health = await http.GetAsync("/healthz", TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);

            // Requests stamped with the current time, appended as a flood would be.
            var ban = await FloodWriter.AppendUntilAsync(log,
                (now, i) => $"{{\"time_iso8601\":\"{now.AddMilliseconds(i):yyyy-MM-ddTHH:mm:ss.fff}+00:00\",\"remote_addr\":\"203.0.113.77\",\"request_method\":\"POST\",\"request_uri\":\"/login\",\"status\":\"401\",\"body_bytes_sent\":\"0\",\"http_user_agent\":\"bot\"}}",
                () => File.Exists(audit) ? File.ReadLines(audit).FirstOrDefault(l => l.Contains(" BAN 203.0.113.77 ")) : null,
                TimeSpan.FromSeconds(30), "the BAN line in the audit log");
            Assert.Contains("| 600s", ban);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }
    }
}
