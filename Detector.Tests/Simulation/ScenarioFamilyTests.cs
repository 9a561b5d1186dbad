using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Detector.Simulation;
using Detector.Simulation.Scenarios;

namespace Detector.Tests.Simulation;

/// <summary>
/// The seeded scenario families generate what they claim: the same seed gives byte-identical logs, parameters come
/// from ranges, and each family's traffic has its shape (a morning ramp doubles the active clients within half an
/// hour, the office NAT peaks at its rate with many agents, the L7 flood stays below the busiest benign address…).
/// </summary>
public sealed class ScenarioFamilyTests(ITestOutputHelper output)
{
    private const int MaxLinesPerDraw = 300_000;

    public static TheoryData<string> Families => new(ScenarioCatalog.Families.Select(f => f.Name));

    [Theory]
    [MemberData(nameof(Families))]
    public void Same_seed_gives_a_byte_identical_log_and_another_seed_another_one(string family)
    {
        var f = ScenarioCatalog.Family(family);
        var (first, lines) = Digest(f.Draw(3));
        var (again, _) = Digest(f.Draw(3));
        var (other, _) = Digest(f.Draw(4));

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.Equal(f.Draw(3).Parameters, f.Draw(3).Parameters);
        Assert.InRange(lines, 100, MaxLinesPerDraw);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Draws_are_named_by_family_and_seed_and_labelled(string family)
    {
        var scenario = ScenarioCatalog.Family(family).Draw(7);

        Assert.Equal($"{family}#7", scenario.Name);
        Assert.Equal(scenario, ScenarioCatalog.Named(scenario.Name) with { Build = scenario.Build });
        Assert.Contains("clients=", scenario.Parameters);
        Assert.Contains("utc_offset=", scenario.Parameters);
        var traffic = scenario.Build();
        if (scenario.Kind == ScenarioKind.Attack) Assert.NotEmpty(traffic.Attacks);
        else Assert.Empty(traffic.Attacks);
        Assert.All(traffic.Attacks, a => Assert.True(a.Start - traffic.Start >= TimeSpan.FromMinutes(15), "the baseline warms up first"));
    }

    [Fact]
    public void Sites_differ_by_seed_in_size_time_zone_and_day_of_week()
    {
        var draws = Enumerable.Range(1, 30).Select(ScenarioCatalog.Family("single-ip-flood").Draw).Select(s => s.Build()).ToList();

        Assert.True(draws.Select(t => t.Site!.Clients).Distinct().Count() > 20);
        Assert.True(draws.Select(t => t.Site!.UtcOffset).Distinct().Count() > 5);
        Assert.True(draws.Select(t => t.Start.UtcDateTime.Hour).Distinct().Count() > 10);
        Assert.Contains(draws, t => t.Start.ToOffset(t.Site!.UtcOffset).DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday);
        Assert.Contains(draws, t => t.Start.ToOffset(t.Site!.UtcOffset).DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday));
        Assert.All(draws, t => Assert.Equal(TimeSpan.Zero, t.Start.Offset));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void Morning_ramp_doubles_the_active_clients_within_half_an_hour_each_at_its_usual_pace(int seed)
    {
        var scenario = ScenarioCatalog.Family("morning-ramp").Draw(seed);
        var traffic = scenario.Build();
        var lines = traffic.Generate(scenario.Duration).ToList();
        var startMs = traffic.Start.ToUnixTimeMilliseconds();
        const long bucketMs = 5 * 60_000;
        var buckets = lines.GroupBy(l => (l.TimeMs - startMs) / bucketMs).OrderBy(g => g.Key)
            .Select(g => (Minute: g.Key * 5, Clients: g.Select(l => l.Ip).Distinct().Count(), Requests: g.Count())).ToList();
        output.WriteLine(scenario.Situation);
        output.WriteLine(string.Join(" ", buckets.Select(b => $"{b.Minute}:{b.Clients}/{b.Requests}")));

        // The first hour before the ramp is quiet and steady (the baseline warms up on it).
        var night = buckets.Take(12).ToList();
        Assert.True(night.Max(b => b.Clients) < 2 * night.Min(b => b.Clients), "the night before the ramp is steady");
        // Within 20–30 minutes (six buckets apart at most), the active clients and the request rate double.
        var doubling = Enumerable.Range(6, buckets.Count - 6)
            .Select(i => (i, From: buckets[i - 6], To: buckets[i]))
            .FirstOrDefault(x => x.To.Clients >= 2 * x.From.Clients && x.To.Requests >= 2 * x.From.Requests);
        Assert.True(doubling.To.Clients > 0, "active clients and requests double within 30 min");
        var late = buckets.SkipLast(1).TakeLast(6).ToList();
        Assert.True(late.Average(b => b.Clients) > 2 * night.Average(b => b.Clients), "many more clients are active after the ramp");

        // Each client behaves as usual: a desktop client polls at the same pace before and after the ramp.
        var endMs = startMs + (long)scenario.Duration.TotalMilliseconds;
        var desktop = lines.Where(l => Field(l.Json, "http_user_agent").Contains("mirall/")).ToList();
        double PerClient(long from, long to)
        {
            var span = desktop.Where(l => l.TimeMs >= from && l.TimeMs < to).ToList();
            return (double)span.Count / span.Select(l => l.Ip).Distinct().Count();
        }
        var before = PerClient(startMs, startMs + 60 * 60_000);
        var after = PerClient(endMs - 35 * 60_000, endMs - 5 * 60_000) / 0.5;
        output.WriteLine($"desktop requests per client and hour: {before:0.0} before, {after:0.0} after");
        Assert.InRange(after / before, 0.7, 1.4);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Office_nat_arrives_over_the_morning_and_peaks_at_its_rate_with_many_agents(int seed)
    {
        var scenario = ScenarioCatalog.Family("office-nat-morning").Draw(seed);
        var traffic = scenario.Build();
        var peak = Param(scenario, "peak_rate");
        var people = Param(scenario, "people");
        var lines = traffic.Generate(scenario.Duration).ToList();
        var office = lines.GroupBy(l => l.Ip).MaxBy(g => g.Count())!.ToList();
        var perMinute = PerMinute([new GeneratedLine(traffic.Start.ToUnixTimeMilliseconds(), office[0].Ip, "", false), .. office]);
        output.WriteLine($"{scenario.Situation}: per minute {string.Join(" ", perMinute.Select(c => c / 60.0).Select(r => r.ToString("0.0")))}");

        Assert.InRange(perMinute.Max() / 60.0, 0.7 * peak, 1.5 * peak);
        var arrivalMinute = (int)((traffic.Start.ToOffset(traffic.Site!.UtcOffset).Date.AddHours(Param(scenario, "arrive_from")) -
            traffic.Start.ToOffset(traffic.Site.UtcOffset).DateTime).TotalMinutes);
        Assert.True(perMinute.Take(arrivalMinute).Sum() <= 1, "nobody is in before the first arrival");
        Assert.True(Agents(office).Count >= Math.Min(12, people / 10), $"{Agents(office).Count} agents");
        // Arrivals spread over the morning: the address's rate climbs over at least two hours.
        var firstBusy = perMinute.FindIndex(c => c >= 0.1 * perMinute.Max() * 1);
        var nearPeak = perMinute.FindIndex(c => c >= 0.8 * perMinute.Max());
        Assert.True(nearPeak - firstBusy >= 90, $"climbs from minute {firstBusy} to {nearPeak}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void L7_flood_is_well_above_an_average_client_and_below_the_busiest_benign_address(int seed)
    {
        var scenario = ScenarioCatalog.Family("l7-flood").Draw(seed);
        var traffic = scenario.Build();
        var attack = traffic.Attacks.Single();
        var lines = traffic.Generate(scenario.Duration).ToList();
        var fromMs = attack.Start.ToUnixTimeMilliseconds();
        var toMs = fromMs + (long)attack.Duration.TotalMilliseconds;
        var window = lines.Where(l => l.TimeMs >= fromMs && l.TimeMs < toMs).ToList();
        var seconds = attack.Duration.TotalSeconds;

        var attackerRate = window.Count(l => l.Attacker) / seconds;
        var benign = window.Where(l => !l.Attacker).GroupBy(l => l.Ip).Select(g => g.Count() / seconds).ToList();
        var average = benign.Average();
        var busiest = benign.Max();
        output.WriteLine($"{scenario.Situation}: attacker {attackerRate:0.00}/s, average active client {average:0.000}/s, busiest benign {busiest:0.0}/s");

        Assert.InRange(attackerRate / average, 6, 200);
        Assert.True(attackerRate < busiest, "a benign address is busier than the flood");
        var paths = window.Where(l => l.Attacker).Select(l => Field(l.Json, "request_uri")).ToHashSet();
        Assert.Contains("/login", paths);
        Assert.Contains("/", paths);
        Assert.True(window.Where(l => l.Attacker).Count(l => Field(l.Json, "status") == "200") > 0.7 * window.Count(l => l.Attacker), "mostly 200s");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Low_and_slow_stuffing_keeps_every_address_below_a_few_requests_a_minute(int seed)
    {
        var scenario = ScenarioCatalog.Family("low-slow-stuffing").Draw(seed);
        var traffic = scenario.Build();
        var lines = traffic.Generate(scenario.Duration).Where(l => l.Attacker).ToList();

        Assert.InRange(traffic.Attacks.Count, 40, 90);
        Assert.All(traffic.Attacks, a => Assert.False(a.MustBan));
        Assert.Equal(AlertExpectation.Required, scenario.Alert);
        Assert.Equal("auth", scenario.AlertCause);
        foreach (var address in lines.GroupBy(l => l.Ip))
            Assert.True(PerMinute([.. address]).Max() <= 4, $"{address.Key} sends more than 4 a minute");
        var statuses = lines.Select(l => Field(l.Json, "status")).ToList();
        Assert.All(statuses, s => Assert.Contains(s, new[] { "401", "429" }));
        Assert.True(statuses.Count(s => s == "401") > statuses.Count / 2);
        Assert.Contains("429", statuses);
        var total = lines.Count / traffic.Attacks.Max(a => a.Duration).TotalSeconds;
        Assert.InRange(total, 0.8, 7);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Bulk_upload_uses_chunked_upload_v2_from_one_client_at_its_rate(int seed)
    {
        var scenario = ScenarioCatalog.Family("bulk-upload").Draw(seed);
        var traffic = scenario.Build();
        var lines = traffic.Generate(scenario.Duration).ToList();
        var upload = lines.GroupBy(l => l.Ip).MaxBy(g => g.Count())!.ToList();
        var rate = Param(scenario, "rate");
        var requests = upload.Select(l => (Method: Field(l.Json, "request_method"), Uri: Field(l.Json, "request_uri"), Status: Field(l.Json, "status"))).ToList();

        Assert.Single(Agents(upload));
        Assert.Contains(requests, r => r.Method == "MKCOL" && r.Uri.StartsWith("/remote.php/dav/uploads/", StringComparison.Ordinal) && r.Status == "201");
        Assert.Contains(requests, r => r.Method == "PUT" && System.Text.RegularExpressions.Regex.IsMatch(r.Uri, @"^/remote\.php/dav/uploads/[^/]+/\d+/\d{8}$"));
        Assert.Contains(requests, r => r.Method == "MOVE" && r.Uri.EndsWith("/.file", StringComparison.Ordinal) && r.Status is "201" or "204");
        var busy = PerMinute(upload).Where(c => c > 0).Skip(1).SkipLast(1).ToList();
        Assert.InRange(busy.Average() / 60, 0.75 * rate, 1.25 * rate);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Flash_crowd_is_hundreds_of_new_visitors_each_like_a_browser(int seed)
    {
        var scenario = ScenarioCatalog.Family("flash-crowd").Draw(seed);
        var traffic = scenario.Build();
        var visitors = (int)Param(scenario, "visitors");
        var lines = traffic.Generate(scenario.Duration).ToList();
        var token = lines.Select(l => Field(l.Json, "request_uri")).GroupBy(u => u.StartsWith("/s/", StringComparison.Ordinal) ? u[..Math.Min(u.Length, 18)] : "")
            .Where(g => g.Key != "").MaxBy(g => g.Count())!.Key;
        var crowd = lines.Where(l => Field(l.Json, "request_uri") == token).Select(l => l.Ip).ToHashSet();

        Assert.InRange(crowd.Count, 0.9 * visitors, visitors);
        var perVisitor = lines.Where(l => crowd.Contains(l.Ip)).GroupBy(l => l.Ip).Select(g => g.Count()).ToList();
        Assert.True(perVisitor.Max() <= 40, $"a visitor sent {perVisitor.Max()} requests");
        Assert.Equal(AlertExpectation.Allowed, scenario.Alert);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Sync_catch_up_is_a_long_burst_from_one_address_with_one_agent(int seed)
    {
        var scenario = ScenarioCatalog.Family("sync-catch-up").Draw(seed);
        var lines = scenario.Build().Generate(scenario.Duration).ToList();
        var client = lines.GroupBy(l => l.Ip).MaxBy(g => g.Count())!.ToList();
        var rate = Param(scenario, "rate");

        Assert.Single(Agents(client));
        Assert.True(client.Count >= Param(scenario, "files"));
        Assert.True(PerMinute(client).Count(c => c >= 0.5 * rate * 60) >= 3, "several minutes at the catch-up rate");
        var methods = client.Select(l => Field(l.Json, "request_method")).ToHashSet();
        Assert.Superset(new HashSet<string> { "PROPFIND", "GET", "PUT" }, methods);
    }

    [Fact]
    public void Desktop_clients_poll_with_PROPFIND_under_mirall_agents_and_browsers_load_assets_and_apis()
    {
        var scenario = ScenarioCatalog.Family("office-nat").Draw(1);
        var lines = scenario.Build().Generate(TimeSpan.FromMinutes(20)).ToList();
        var parsed = lines.Select(l => (Agent: Field(l.Json, "http_user_agent"), Method: Field(l.Json, "request_method"), Uri: Field(l.Json, "request_uri"))).ToList();

        Assert.Contains(parsed, p => p.Agent.Contains("mirall/") && p.Method == "PROPFIND" && p.Uri.StartsWith("/remote.php/dav/files/", StringComparison.Ordinal));
        Assert.Contains(parsed, p => p.Agent.StartsWith("Mozilla/5.0 (Windows NT", StringComparison.Ordinal) && p.Uri.StartsWith("/dist/", StringComparison.Ordinal));
        Assert.Contains(parsed, p => p.Uri.StartsWith("/ocs/v2.php/", StringComparison.Ordinal));
        Assert.Contains(parsed, p => p.Agent.Contains("Nextcloud-android") || p.Agent.Contains("Nextcloud-iOS"));
        Assert.Contains(parsed, p => p.Uri == "/status.php");
        Assert.Contains(parsed, p => p.Uri.StartsWith("/remote.php/dav/calendars/", StringComparison.Ordinal));
    }

    private static (string Digest, long Lines) Digest(LabelledScenario scenario)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long lines = 0;
        foreach (var line in scenario.Build().Generate(scenario.Duration))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(line.Json));
            hash.AppendData("\n"u8);
            lines++;
        }
        return (Convert.ToHexString(hash.GetHashAndReset()), lines);
    }

    /// <summary>Requests per minute from the first line to the last.</summary>
    private static List<int> PerMinute(IReadOnlyList<GeneratedLine> lines)
    {
        if (lines.Count == 0) return [0];
        var first = lines[0].TimeMs;
        var counts = new int[(int)((lines[^1].TimeMs - first) / 60_000) + 1];
        foreach (var l in lines) counts[(int)((l.TimeMs - first) / 60_000)]++;
        return [.. counts];
    }

    private static HashSet<string> Agents(IEnumerable<GeneratedLine> lines) => lines.Select(l => Field(l.Json, "http_user_agent")).ToHashSet();

    private static string Field(string json, string name)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty(name).GetString()!;
    }

    private static double Param(LabelledScenario scenario, string name) =>
        double.Parse(scenario.Parameters.Split(", ").Single(p => p.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..],
            System.Globalization.CultureInfo.InvariantCulture);
}
