using Akka.Actor;
using Akka.Hosting;
using Detector.Audit;
using Detector.Configuration;
using Detector.Enforcement;
using Detector.Enforcement.Persistence;
using Detector.Hosting;
using Detector.Ingest;
using Detector.Simulation;
using Detector.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Detector.Domain;
using Detector.Host.Verbs;

namespace Detector.Tests.Integration;

/// <summary>The daemon keeps its offender ledger in the data dir; replay never reads or writes it.</summary>
public sealed class LedgerIsolationSpecs : IDisposable
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-04-29T13:00:00+00:00");
    private static readonly IpKey Attacker = IpKey.Parse("203.0.113.9");
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("detector-ledger-it-");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Delete(recursive: true);
    }

    private string DataDir(string name) => Path.Combine(_dir.FullName, name);

    private async Task<byte[]> ReplayAsync(string log, string dataDir)
    {
        var options = new DetectorOptions { DataDir = dataDir };
        options.Log.Path = log;
        var audit = Path.Combine(_dir.FullName, $"audit-{Path.GetFileName(dataDir)}.log");
        Assert.Equal(0, await ReplayCommand.RunAsync(options, audit, TextWriter.Null, TestContext.Current.CancellationToken));
        return File.ReadAllBytes(audit);
    }

    [Fact]
    public async Task Replay_gives_the_same_audit_whatever_the_daemon_has_stored_and_stores_nothing()
    {
        var log = Path.Combine(_dir.FullName, "access.log");
        new TrafficScenario(seed: 5, Start)
            .WithClients(100, ipv6Share: 0.1, meanTotalRatePerSecond: 8)
            .WithFlood(Attacker, TimeSpan.FromMinutes(6), TimeSpan.FromMinutes(1), ratePerSecond: 200)
            .WriteTo(log, TimeSpan.FromMinutes(8));
        // A daemon's data dir in which the attacker is already banned for good.
        var daemonDir = DataDir("daemon");
        await using (var daemon = await PipelineHarness.StartAsync(ledger: LedgerPersistence.SqliteInDataDir(daemonDir)))
            await daemon.Enforcement.Ask<ManualActionResult>(new BanManually(Attacker, Timeout.InfiniteTimeSpan, Start.ToUnixTimeSeconds()), TimeSpan.FromSeconds(30));
        SqliteConnection.ClearAllPools(); // closing the last connection checkpoints the WAL into the file
        var stored = File.ReadAllBytes(Path.Combine(daemonDir, LedgerPersistence.DatabaseFileName));

        var withDaemonState = await ReplayAsync(log, daemonDir);
        var fresh = await ReplayAsync(log, DataDir("empty"));

        Assert.Equal(fresh, withDaemonState);
        Assert.Contains($" BAN {Attacker} ", System.Text.Encoding.UTF8.GetString(fresh));
        Assert.False(File.Exists(Path.Combine(DataDir("empty"), LedgerPersistence.DatabaseFileName)));
        Assert.Equal(stored, File.ReadAllBytes(Path.Combine(daemonDir, LedgerPersistence.DatabaseFileName)));
    }

    [Fact]
    public async Task Daemon_stores_its_ban_in_the_data_dir_and_knows_it_after_a_restart()
    {
        var log = Path.Combine(_dir.FullName, "live.log");
        File.WriteAllText(log, "");
        var options = TestOptions.DryRun(DataDir("data"));
        options.Log.Path = log;
        options.Log.PollIntervalMs = 50;
        options.Http.Url = $"http://127.0.0.1:{Ports.Free()}";
        Directory.CreateDirectory(options.DataDir);

        var app = RunCommand.BuildApp(options, RunCommand.DaemonComposition(options));
        await app.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            var audit = RunCommand.DaemonComposition(options).AuditPath!;
            await FloodWriter.AppendUntilAsync(log,
                (now, i) => $"{{\"time_iso8601\":\"{now.AddMilliseconds(i):yyyy-MM-ddTHH:mm:ss.fff}+00:00\",\"remote_addr\":\"{Attacker}\",\"request_method\":\"POST\",\"request_uri\":\"/login\",\"status\":\"401\",\"body_bytes_sent\":\"0\",\"http_user_agent\":\"bot\"}}",
                () => File.Exists(audit) ? File.ReadLines(audit).FirstOrDefault(l => l.Contains($" {AuditAction.Ban} {Attacker} ")) : null,
                TimeSpan.FromSeconds(30), "the BAN line in the audit log");
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }
        Assert.True(File.Exists(Path.Combine(options.DataDir, LedgerPersistence.DatabaseFileName)));

        options.Http.Url = $"http://127.0.0.1:{Ports.Free()}";
        var restarted = RunCommand.BuildApp(options, RunCommand.DaemonComposition(options));
        await restarted.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            var enforcement = await restarted.Services.GetRequiredService<ActorRegistry>().GetAsync<EnforcementActor>(TestContext.Current.CancellationToken);
            var record = (await enforcement.Ask<OffenderInfo>(new GetOffender(Attacker), TimeSpan.FromSeconds(30))).Record;
            Assert.NotNull(record);
            Assert.True(record.IsBanned);
            Assert.Equal(1, record.Offences);
        }
        finally
        {
            await restarted.StopAsync(CancellationToken.None);
            await restarted.DisposeAsync();
        }
    }
}
