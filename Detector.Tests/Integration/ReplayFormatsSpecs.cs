using System.Globalization;
using System.Text;
using Detector.Audit;
using Detector.Configuration;
using Detector.Domain;
using Detector.Host.Verbs;
using Detector.Ingest;
using Detector.Simulation;

namespace Detector.Tests.Integration;

/// <summary>
/// The replay verb over the same traffic written as the shipped JSON log and, split by client, as an Nginx combined
/// log plus a Caddy JSON log: the two files are merged in event time and judged the same.
/// </summary>
public sealed class ReplayFormatsSpecs : IDisposable
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-04-29T13:00:00+00:00", CultureInfo.InvariantCulture);
    private static readonly IpKey Attacker = IpKey.Parse("203.0.113.9");
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("detector-formats-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Traffic_split_over_a_combined_and_a_caddy_log_gives_the_bans_of_the_json_log()
    {
        var json = Path.Combine(_dir.FullName, "access.json.log");
        new TrafficScenario(seed: 23, Start)
            .WithClients(200, ipv6Share: 0.2, meanTotalRatePerSecond: 10)
            .WithFlood(Attacker, TimeSpan.FromMinutes(12), TimeSpan.FromMinutes(1), ratePerSecond: 150)
            .WriteTo(json, TimeSpan.FromMinutes(15));
        var combined = Path.Combine(_dir.FullName, "nginx.access.log");
        var caddy = Path.Combine(_dir.FullName, "caddy.access.log");
        Split(json, combined, caddy);

        var (jsonBans, jsonSummary) = await ReplayAsync([json], "json-audit.log");
        var (splitBans, splitSummary) = await ReplayAsync([Path.Combine(_dir.FullName, "*.access.log")], "split-audit.log");

        Assert.Contains(jsonBans, b => b.Subject == Attacker.ToString());
        Assert.Equal(jsonBans.Select(b => (b.At, b.Subject, b.Condition)), splitBans.Select(b => (b.At, b.Subject, b.Condition)));
        Assert.Contains($"log: {caddy} (caddy)", splitSummary);
        Assert.Contains($"log: {combined} (combined)", splitSummary);
        Assert.Contains("malformed: 0", splitSummary);
        Assert.Equal(Number(jsonSummary, "entries"), Number(splitSummary, "entries"));
    }

    private async Task<(List<AuditEvent> Bans, string Summary)> ReplayAsync(string[] logs, string name)
    {
        var options = new DetectorOptions();
        options.Log.Paths = [.. logs];
        var audit = Path.Combine(_dir.FullName, name);
        var summary = new StringWriter();
        Assert.Equal(0, await ReplayCommand.RunAsync(options, audit, summary, TestContext.Current.CancellationToken));
        var bans = File.ReadLines(audit).Select(l => AuditEvent.TryParse(l)!).Where(e => e.Action == AuditAction.Ban).ToList();
        return (bans, summary.ToString());
    }

    private static long Number(string summary, string key) =>
        long.Parse(summary.Split('\n').Single(l => l.StartsWith(key + ":", StringComparison.Ordinal))[(key.Length + 1)..].Trim(), CultureInfo.InvariantCulture);

    /// <summary>IPv4 clients to a combined log as Nginx writes it, IPv6 clients to a Caddy log, from the JSON lines.</summary>
    private static void Split(string json, string combined, string caddy)
    {
        var parser = new LogParser(new LogOptions(), new IngestCounters());
        using var nginx = new StreamWriter(combined);
        using var caddyLog = new StreamWriter(caddy);
        foreach (var line in File.ReadLines(json))
        {
            Assert.True(parser.TryParse(Encoding.UTF8.GetBytes(line), out var e));
            if (e.Ip.IsV4) nginx.WriteLine(ServerLogLines.Write(e, LogFormat.Combined));
            else caddyLog.WriteLine(ServerLogLines.Write(e, LogFormat.CaddyJson));
        }
    }
}
