using System.Globalization;
using System.Text;
using System.Text.Json;
using Detector.Ingest;
using Detector.Simulation;
using Detector.Domain;

namespace Detector.Tests.Simulation;

public class TrafficScenarioTests
{
    // 09:00 local: the diurnal factor is 1 here, so short runs see the mean rate.
    private static readonly DateTimeOffset Start = new(2026, 4, 29, 9, 0, 0, TimeSpan.Zero);
    private static readonly IpKey Flooder = IpKey.Parse("203.0.113.9");
    private static readonly IpKey Sprayer = IpKey.Parse("2001:db8::66");

    private static TrafficScenario Scenario(int seed = 7) =>
        new TrafficScenario(seed, Start)
            .WithClients(150)
            .WithFlood(Flooder, TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(60), 200)
            .WithSpraying(Sprayer, TimeSpan.FromMinutes(4), TimeSpan.FromSeconds(30), 5);

    [Fact]
    public void Same_seed_gives_identical_output()
    {
        var first = Scenario().Generate(TimeSpan.FromMinutes(6)).Select(l => l.Json).ToList();
        var second = Scenario().Generate(TimeSpan.FromMinutes(6)).Select(l => l.Json).ToList();

        Assert.NotEmpty(first);
        Assert.Equal(first, second);
        Assert.NotEqual(first.Take(100), Scenario(seed: 8).Generate(TimeSpan.FromMinutes(6)).Take(100).Select(l => l.Json));
    }

    [Fact]
    public void Attacks_do_not_change_the_benign_traffic()
    {
        var benignOnly = new TrafficScenario(7, Start).WithClients(150).Generate(TimeSpan.FromMinutes(6)).Select(l => l.Json);
        var withAttacks = Scenario().Generate(TimeSpan.FromMinutes(6)).Where(l => !l.Attacker).Select(l => l.Json);

        Assert.Equal(benignOnly, withAttacks);
    }

    [Fact]
    public void Lines_are_json_objects_with_the_nginx_fields_in_order_as_strings()
    {
        foreach (var line in Scenario().Generate(TimeSpan.FromMinutes(6)))
        {
            using var doc = JsonDocument.Parse(line.Json);
            var properties = doc.RootElement.EnumerateObject().ToList();
            Assert.Equal(NginxLogFormat.Fields, properties.Select(p => p.Name));
            Assert.All(properties, p => Assert.Equal(JsonValueKind.String, p.Value.ValueKind));

            var field = properties.ToDictionary(p => p.Name, p => p.Value.GetString()!);
            Assert.Equal(line.Ip, IpKey.Parse(field["remote_addr"]));
            Assert.Equal(line.TimeMs, (long)(decimal.Parse(field["msec"], CultureInfo.InvariantCulture) * 1000));
            Assert.Equal(line.TimeMs / 1000, DateTimeOffset.Parse(field["time_iso8601"], CultureInfo.InvariantCulture).ToUnixTimeSeconds());
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$", field["time_iso8601"]);
            Assert.Matches(@"^\d+\.\d{3}$", field["msec"]);
            Assert.Matches(@"^\d+\.\d{3}$", field["request_time"]);
            Assert.InRange(int.Parse(field["status"], CultureInfo.InvariantCulture), 100, 599);
            Assert.True(long.Parse(field["body_bytes_sent"], CultureInfo.InvariantCulture) >= 0);
            Assert.StartsWith("/", field["request_uri"]);
            Assert.StartsWith("HTTP/", field["server_protocol"]);
        }
    }

    [Fact]
    public void Lines_come_in_time_order_within_the_requested_span()
    {
        var lines = Scenario().Generate(TimeSpan.FromMinutes(6)).ToList();

        Assert.All(lines.Zip(lines.Skip(1)), pair => Assert.True(pair.Item1.TimeMs <= pair.Item2.TimeMs));
        Assert.True(lines[0].TimeMs >= Start.ToUnixTimeMilliseconds());
        Assert.True(lines[^1].TimeMs < Start.AddMinutes(6).ToUnixTimeMilliseconds());
    }

    [Fact]
    public void Flood_sends_the_requested_rate_for_the_requested_duration()
    {
        var flood = Scenario().Generate(TimeSpan.FromMinutes(6)).Where(l => l.Ip == Flooder).ToList();

        Assert.Equal(200 * 60, flood.Count);
        Assert.All(flood, l => Assert.True(l.Attacker));
        var startMs = Start.AddMinutes(2).ToUnixTimeMilliseconds();
        Assert.True(flood[0].TimeMs >= startMs);
        Assert.True(flood[^1].TimeMs < startMs + 60_000);
        var perSecond = flood.GroupBy(l => (l.TimeMs - startMs) / 1000).Select(g => g.Count()).ToList();
        Assert.Equal(60, perSecond.Count);
        Assert.All(perSecond, n => Assert.InRange(n, 199, 201));
    }

    [Fact]
    public void Spraying_is_answered_with_401()
    {
        var spraying = Scenario().Generate(TimeSpan.FromMinutes(6)).Where(l => l.Ip == Sprayer).ToList();

        Assert.Equal(150, spraying.Count);
        Assert.All(spraying, l => Assert.Equal("401", Field(l, "status")));
        Assert.True(spraying.Select(l => Field(l, "request_uri")).Distinct().Count() > 20);
    }

    [Fact]
    public void Benign_traffic_is_mostly_successful()
    {
        var benign = new TrafficScenario(3, Start).WithClients(300).Generate(TimeSpan.FromMinutes(30)).ToList();

        var statuses = benign.Select(l => int.Parse(Field(l, "status"), CultureInfo.InvariantCulture)).ToList();
        var errorShare = statuses.Count(s => s >= 400) / (double)statuses.Count;
        Assert.InRange(errorShare, 0.001, 0.05);
        Assert.True(statuses.Count(s => s is 200 or 207 or 304) / (double)statuses.Count > 0.85);
    }

    [Fact]
    public void Default_population_lines_average_350_to_450_bytes()
    {
        var lines = new TrafficScenario(11, Start).WithClients(300).Generate(TimeSpan.FromMinutes(30)).ToList();

        var meanBytes = lines.Average(l => Encoding.UTF8.GetByteCount(l.Json) + 1);
        Assert.InRange(meanBytes, 350, 450);
    }

    [Fact]
    public void Population_meets_the_requested_mean_rate()
    {
        var lines = new TrafficScenario(5, Start).WithClients(400, meanTotalRatePerSecond: 40).WithDiurnalAmplitude(0)
            .Generate(TimeSpan.FromHours(1)).Count();

        Assert.InRange(lines / 3600.0, 40 * 0.75, 40 * 1.25);
    }

    [Fact]
    public void Night_is_quieter_than_afternoon()
    {
        static int Count(int hour) => new TrafficScenario(5, new DateTimeOffset(2026, 4, 29, hour, 0, 0, TimeSpan.Zero))
            .WithClients(300).Generate(TimeSpan.FromMinutes(30)).Count();

        Assert.True(Count(3) * 2 < Count(15));
    }

    [Fact]
    public void Ipv6_clients_appear_only_when_asked()
    {
        var mixed = new TrafficScenario(9, Start).WithClients(300, ipv6Share: 0.2).Generate(TimeSpan.FromMinutes(10)).ToList();
        var v4Only = new TrafficScenario(9, Start).WithClients(300, ipv6Share: 0).Generate(TimeSpan.FromMinutes(10)).ToList();

        var v6Clients = mixed.Select(l => l.Ip).Distinct().Count(ip => !ip.IsV4);
        Assert.InRange(v6Clients / (double)mixed.Select(l => l.Ip).Distinct().Count(), 0.1, 0.3);
        Assert.Contains(mixed, l => Field(l, "remote_addr").Contains(':'));
        Assert.All(v4Only, l => Assert.True(l.Ip.IsV4));
    }

    [Fact]
    public void Benign_clients_never_use_an_attacker_address()
    {
        var lines = Scenario().Generate(TimeSpan.FromMinutes(6)).ToList();

        Assert.All(lines.Where(l => l.Ip == Flooder || l.Ip == Sprayer), l => Assert.True(l.Attacker));
    }

    [Fact]
    public void Generate_without_duration_is_lazy_and_endless()
    {
        var lines = new TrafficScenario(1, Start).WithClients(20).Generate().Take(5_000).ToList();

        Assert.Equal(5_000, lines.Count);
    }

    [Fact]
    public void WriteTo_writes_newline_terminated_lines()
    {
        var path = Path.GetTempFileName();
        try
        {
            var written = new TrafficScenario(1, Start).WithClients(50).WriteTo(path, TimeSpan.FromMinutes(10), maxLines: 500);

            Assert.Equal(500, written);
            var text = File.ReadAllText(path);
            Assert.EndsWith("}\n", text);
            Assert.Equal(500, text.Count(c => c == '\n'));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string Field(GeneratedLine line, string name)
    {
        using var doc = JsonDocument.Parse(line.Json);
        return doc.RootElement.GetProperty(name).GetString()!;
    }
}
