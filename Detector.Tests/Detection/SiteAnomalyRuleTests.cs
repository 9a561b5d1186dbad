using Detector.Configuration;
using Detector.Detection;
using Detector.Domain;

namespace Detector.Tests.Detection;

public class SiteAnomalyRuleTests
{
    private static readonly DetectionOptions Detection = new();
    private static readonly BaselineOptions Baseline = new();
    private static readonly long Start = new DateTimeOffset(2026, 5, 4, 5, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    /// <summary>Poisson-like counts from a seeded generator: the k of a Poisson(mean) draw.</summary>
    private static int Poisson(Random random, double mean)
    {
        if (mean > 30) return Math.Max(0, (int)Math.Round(mean + Math.Sqrt(mean) * Gaussian(random)));
        var limit = Math.Exp(-mean);
        var k = 0;
        for (var p = random.NextDouble(); p > limit; p *= random.NextDouble()) k++;
        return k;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static SiteTraffic Second(Random random, double requestsPerSecond, double clients, double authPerMinute = 1,
        double newPerMinute = 1, double notFoundPerMinute = 2)
    {
        var requests = Poisson(random, requestsPerSecond);
        var auth = Poisson(random, authPerMinute / 60);
        var notFound = Poisson(random, notFoundPerMinute / 60);
        var counts = new SecondCounts(requests + auth + notFound, auth + notFound, auth, notFound);
        return new SiteTraffic(counts, Poisson(random, newPerMinute / 60), (int)clients);
    }

    private static List<SiteAnomaly> Run(SiteAnomalyRule rule, int seconds, Func<int, SiteTraffic> traffic, int from = 0)
    {
        var anomalies = new List<SiteAnomaly>();
        for (var s = from; s < from + seconds; s++)
            if (rule.Observe(Start + s, traffic(s)) is { } anomaly) anomalies.Add(anomaly);
        return anomalies;
    }

    [Theory]
    [InlineData(1, 20)]
    [InlineData(2, 25)]
    [InlineData(3, 30)]
    [InlineData(4, 12)]
    public void A_morning_ramp_of_clients_behaving_as_usual_is_no_anomaly(int seed, int doublingMinutes)
    {
        var random = new Random(seed);
        var rule = new SiteAnomalyRule(Detection, Baseline);
        // Night at 3 req/s for 40 minutes, then the rate doubles every doublingMinutes for an hour and a half:
        // more clients, each as busy as before, a few more arriving each minute.
        var anomalies = Run(rule, 130 * 60, s =>
        {
            var minutes = Math.Max(0, s / 60.0 - 40);
            var growth = Math.Min(Math.Pow(2, minutes / doublingMinutes), 16);
            return Second(random, 3 * growth, 60 * growth, authPerMinute: growth, newPerMinute: 2 * growth, notFoundPerMinute: 2 * growth);
        });

        Assert.Empty(anomalies);
    }

    [Fact]
    public void A_steep_surge_of_volume_names_volume()
    {
        var random = new Random(7);
        var rule = new SiteAnomalyRule(Detection, Baseline);
        Run(rule, 20 * 60, _ => Second(random, 10, 300));

        var anomalies = Run(rule, 120, _ => Second(random, 60, 320), from: 20 * 60);

        Assert.NotEmpty(anomalies);
        Assert.Equal("global_volume>3.0x_expected", anomalies[0].Condition);
        Assert.InRange(anomalies[0].Mean, 9, 11);
    }

    [Fact]
    public void A_surge_one_address_carries_is_left_to_the_per_address_rules()
    {
        var random = new Random(14);
        var rule = new SiteAnomalyRule(Detection, Baseline);
        Run(rule, 20 * 60, _ => Second(random, 2, 40));

        // One client uploading a folder at 9 req/s on a site that holds 2 req/s: its window's 540 requests are the surge.
        var anomalies = new List<SiteAnomaly>();
        for (var s = 20 * 60; s < 25 * 60; s++)
            if (rule.Observe(Start + s, Second(random, 11, 41), measure => measure(new SecondCounts(540, 0, 0, 0))) is { } anomaly) anomalies.Add(anomaly);

        Assert.Empty(anomalies);
    }

    [Fact]
    public void Failed_logins_one_client_carries_are_left_to_the_per_address_rules()
    {
        var random = new Random(21);
        var rule = new SiteAnomalyRule(Detection, Baseline);
        Run(rule, 20 * 60, _ => Second(random, 2, 40, authPerMinute: 0.2));

        // A sync client retrying a revoked app password: 0.6 failed logins a second, all from one address.
        var anomalies = new List<SiteAnomaly>();
        for (var s = 20 * 60; s < 30 * 60; s++)
        {
            var second = Second(random, 2, 41, authPerMinute: 36.2);
            var window = Math.Min(60, s - 20 * 60 + 1);
            if (rule.Observe(Start + s, second, measure => measure(new SecondCounts((int)(0.6 * window), (int)(0.6 * window), (int)(0.6 * window), 0))) is { } anomaly)
                anomalies.Add(anomaly);
        }

        Assert.Empty(anomalies);
    }

    [Fact]
    public void Failed_logins_spread_over_many_addresses_stay_the_sites_even_without_the_busiest_three()
    {
        var random = new Random(8);
        var rule = new SiteAnomalyRule(Detection, Baseline);
        Run(rule, 20 * 60, _ => Second(random, 10, 300, authPerMinute: 3));

        // 60 addresses, one attempt every 30 s each: the busiest three carry 3 × 2 of the window's ~120 failures.
        var anomalies = new List<SiteAnomaly>();
        for (var s = 20 * 60; s < 22 * 60; s++)
            if (rule.Observe(Start + s, Second(random, 10, 360, authPerMinute: 123), measure => 3 * measure(new SecondCounts(2, 2, 2, 0))) is { } anomaly)
                anomalies.Add(anomaly);

        Assert.NotEmpty(anomalies);
        Assert.All(anomalies, a => Assert.Equal("global_auth_failures>4.0x_expected", a.Condition));
    }

    [Fact]
    public void Low_and_slow_failed_logins_from_many_addresses_name_auth_failures()
    {
        var random = new Random(8);
        var rule = new SiteAnomalyRule(Detection, Baseline);
        Run(rule, 20 * 60, _ => Second(random, 10, 300, authPerMinute: 3));

        // 60 addresses, one attempt every 30 s each: two failures a second on top of ordinary traffic.
        var anomalies = Run(rule, 120, _ => Second(random, 10, 360, authPerMinute: 123), from: 20 * 60);

        Assert.NotEmpty(anomalies);
        Assert.All(anomalies, a => Assert.Equal("global_auth_failures>4.0x_expected", a.Condition));
    }

    [Fact]
    public void New_clients_alert_only_when_they_are_a_large_share_of_the_active_ones()
    {
        var random = new Random(9);
        var rule = new SiteAnomalyRule(Detection, Baseline);
        Run(rule, 20 * 60, _ => Second(random, 10, 300, newPerMinute: 2));

        var arrivals = Run(rule, 120, _ => Second(random, 10, 600, newPerMinute: 60), from: 20 * 60);
        Assert.Empty(arrivals); // 60 new among 600 active: people arriving

        var strangers = Run(rule, 120, _ => Second(random, 10, 600, newPerMinute: 300), from: 22 * 60);
        Assert.Contains(strangers, a => a.Condition == "global_new_clients>4.0x_expected");
    }

    [Fact]
    public void A_cold_rule_never_alerts()
    {
        var random = new Random(10);
        var rule = new SiteAnomalyRule(Detection, Baseline);

        Assert.Empty(Run(rule, 4 * 60, s => Second(random, s < 120 ? 1 : 500, 10, authPerMinute: 500)));
        Assert.False(rule.Warm);
    }

    [Fact]
    public void Anomalous_minutes_are_not_learned()
    {
        var random = new Random(11);
        var rule = new SiteAnomalyRule(Detection, Baseline);
        Run(rule, 20 * 60, _ => Second(random, 10, 300));

        // A surge that lasts longer than the history: it never becomes the expected level.
        var anomalies = Run(rule, 40 * 60, _ => Second(random, 80, 300), from: 20 * 60);

        Assert.True(anomalies.Count > 39 * 60, $"{anomalies.Count} anomalous seconds");
    }

    [Fact]
    public void Forgotten_traffic_of_a_banned_flooder_leaves_the_window()
    {
        var random = new Random(12);
        var rule = new SiteAnomalyRule(Detection, Baseline);
        Run(rule, 20 * 60, _ => Second(random, 10, 300));
        var flood = new SecondCounts(300, 0, 0, 0);
        var at = Start + 20 * 60;
        for (var s = 0; s < 3; s++)
            rule.Observe(at + s, new SiteTraffic(flood + new SecondCounts(10, 0, 0, 0), 1, 300));
        for (var s = 0; s < 3; s++)
            rule.Forget(at + s, flood);

        Assert.Empty(Run(rule, 60, _ => Second(random, 10, 300), from: 20 * 60 + 3));
    }

    [Fact]
    public void A_gap_of_decades_takes_bounded_work_and_leaves_the_rule_cold()
    {
        var random = new Random(13);
        var rule = new SiteAnomalyRule(Detection, Baseline);
        Run(rule, 20 * 60, _ => Second(random, 10, 300));
        Assert.True(rule.Warm);

        var far = new DateTimeOffset(9999, 12, 31, 23, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.Null(rule.Observe(far, Second(random, 500, 10)));
        Assert.Null(rule.Observe(far + 60, Second(random, 500, 10)));

        Assert.False(rule.Warm);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1));
    }

    /// <summary>Days from Start's Monday 00:00: night at 2 req/s, from 08:00 to 18:00 a step to
    /// <paramref name="dayRate"/> (all at once, as when an office's clients start on the hour).</summary>
    private static List<SiteAnomaly> RunDay(SiteAnomalyRule rule, Random random, int day, double dayRate)
    {
        var midnight = (int)(Start - Start % EventTime.SecondsPerDay - Start) + day * EventTime.SecondsPerDay;
        return Run(rule, EventTime.SecondsPerDay, s =>
        {
            var hour = (s - midnight) / 3600.0;
            return Second(random, hour is >= 8 and < 18 ? dayRate : 2, 200);
        }, from: midnight);
    }

    [Fact]
    public void A_step_the_site_takes_every_weekday_at_the_same_time_is_familiar_once_there_is_history()
    {
        var random = new Random(11);
        var rule = new SiteAnomalyRule(Detection, Baseline);
        // Monday to Wednesday the 08:00 step reads as a volume surge (the recent minutes know only the night)…
        for (var day = 0; day < 3; day++)
            Assert.NotEmpty(RunDay(rule, random, day, dayRate: 20));

        // …from Thursday three earlier days say that 08:00 brings it.
        Assert.Empty(RunDay(rule, random, 3, dayRate: 20));
    }

    [Fact]
    public void A_surge_beyond_what_the_time_of_day_brings_is_still_an_anomaly()
    {
        var random = new Random(12);
        var rule = new SiteAnomalyRule(Detection, Baseline);
        for (var day = 0; day < 3; day++) RunDay(rule, random, day, dayRate: 20);

        var anomalies = RunDay(rule, random, 3, dayRate: 100);

        Assert.NotEmpty(anomalies);
        Assert.Equal("global_volume>3.0x_expected", anomalies[0].Condition);
        Assert.InRange(anomalies[0].Mean, 18, 22);
    }

    [Fact]
    public void Without_time_of_day_history_the_step_stays_a_surge()
    {
        var random = new Random(11);
        var rule = new SiteAnomalyRule(new DetectionOptions { GlobalTimeOfDayDays = 0 }, Baseline);
        for (var day = 0; day < 3; day++) RunDay(rule, random, day, dayRate: 20);

        Assert.NotEmpty(RunDay(rule, random, 3, dayRate: 20));
    }
}
