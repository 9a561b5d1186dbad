using Detector.Configuration;
using Detector.Detection;
using Detector.Domain;

namespace Detector.Tests.Detection;

public class GlobalEpisodeTrackerTests
{
    private const int Cooldown = 120;
    private const double Attack = 50;  // z = (50 - 10) / 1 = 40
    private const double Normal = 10;
    // The original rule: the first anomalous second alerts, the z-score alone suffices.
    private static readonly DetectionOptions Options = new() { GlobalEpisodeCooldownSeconds = Cooldown, GlobalMinAnomalousSeconds = 1, GlobalMinRiseFactor = 1 };
    private static readonly Detector.Domain.BaselineSnapshot Warm = Baselines.Global(mean: 10, std60: 1);

    [Fact]
    public void First_anomalous_second_raises_the_only_alert_of_the_episode()
    {
        var tracker = new OriginalEpisodes(Options);

        var results = Enumerable.Range(100, 30).Select(s => tracker.Evaluate(s, Attack, Warm)).ToList();

        Assert.All(results, r => Assert.True(r.Anomalous));
        Assert.Equal(new GlobalAlert(100, "global_zscore>3.0", Attack, 10, 1), results[0].Alert);
        Assert.All(results.Skip(1), r => Assert.Null(r.Alert));
        Assert.True(tracker.InEpisode);
    }

    [Fact]
    public void Alert_compares_the_sixty_second_rate_with_Std60()
    {
        var baseline = Baselines.Global(mean: 10, std60: 2) with { Std = 99 };

        var alert = new OriginalEpisodes(Options).Evaluate(1, 17, baseline).Alert; // z = 3.5 against Std60

        Assert.Equal(new GlobalAlert(1, "global_zscore>3.0", 17, 10, 2), alert);
    }

    [Fact]
    public void Rate_over_five_times_the_mean_alerts_when_the_spread_hides_it()
    {
        var alert = new OriginalEpisodes(Options).Evaluate(1, 60, Baselines.Global(mean: 10, std60: 100)).Alert;

        Assert.Equal("global_rate>5.0x_mean", alert?.Condition);
    }

    [Fact]
    public void Cold_baseline_never_alerts()
    {
        var tracker = new OriginalEpisodes(Options);
        var cold = Baselines.Global(mean: 10, std60: 1, warm: false);

        Assert.All(Enumerable.Range(0, 10), s => Assert.Equal((false, (GlobalAlert?)null), tracker.Evaluate(s, 1000, cold)));
        Assert.False(tracker.InEpisode);
    }

    [Fact]
    public void Quiet_spell_shorter_than_the_cooldown_keeps_the_episode()
    {
        var tracker = new OriginalEpisodes(Options);
        Assert.NotNull(tracker.Evaluate(100, Attack, Warm).Alert);
        for (var s = 101; s < 101 + Cooldown - 1; s++) Assert.False(tracker.Evaluate(s, Normal, Warm).Anomalous);

        var again = tracker.Evaluate(100 + Cooldown, Attack, Warm);

        Assert.True(again.Anomalous);
        Assert.Null(again.Alert);
    }

    [Fact]
    public void Cooldown_of_quiet_seconds_ends_the_episode_and_the_next_anomaly_alerts_again()
    {
        var tracker = new OriginalEpisodes(Options);
        tracker.Evaluate(100, Attack, Warm);
        for (var s = 101; s < 100 + Cooldown; s++) tracker.Evaluate(s, Normal, Warm);
        Assert.True(tracker.InEpisode);

        tracker.Evaluate(100 + Cooldown, Normal, Warm);
        Assert.False(tracker.InEpisode);

        var alert = tracker.Evaluate(101 + Cooldown, Attack, Warm).Alert;
        Assert.Equal(101 + Cooldown, alert?.Second);
        Assert.Equal(101 + Cooldown, tracker.EpisodeStartedAt);
    }

    [Fact]
    public void Cooldown_counts_seconds_not_calls_when_time_jumps()
    {
        var tracker = new OriginalEpisodes(Options);
        tracker.Evaluate(100, Attack, Warm);

        Assert.Null(tracker.Evaluate(100 + Cooldown, Attack, Warm).Alert);        // 119 quiet seconds in between
        Assert.NotNull(tracker.Evaluate(100 + 2 * Cooldown + 1, Attack, Warm).Alert); // 120 quiet seconds in between
    }

    [Fact]
    public void Episodes_agree_with_a_reference_on_random_traffic()
    {
        var random = new Random(42);
        var options = new DetectionOptions { GlobalEpisodeCooldownSeconds = 20, GlobalMinAnomalousSeconds = 1, GlobalMinRiseFactor = 1 };
        for (var run = 0; run < 50; run++)
        {
            var tracker = new OriginalEpisodes(options);
            long second = random.Next(1000);
            long? lastAnomaly = null;
            var alerts = 0;
            for (var i = 0; i < 400; i++)
            {
                second += random.Next(10) == 0 ? random.Next(1, 60) : 1;
                var warm = random.Next(20) != 0;
                var anomalous = random.Next(4) == 0;
                var rate = anomalous ? 20 + random.NextDouble() * 100 : random.NextDouble() * 12.9;
                var baseline = Baselines.Global(mean: 10, std60: 1, warm);

                var expectedAnomalous = warm && anomalous;
                var expectedAlert = expectedAnomalous && (lastAnomaly is null || second - lastAnomaly - 1 >= 20);
                if (expectedAnomalous) lastAnomaly = second;

                var (actualAnomalous, alert) = tracker.Evaluate(second, rate, baseline);
                Assert.Equal(expectedAnomalous, actualAnomalous);
                Assert.Equal(expectedAlert, alert is not null);
                if (alert is not null) alerts++;
            }
            Assert.InRange(alerts, 1, 399);
        }
    }
}

public class GlobalEpisodeTrackerDefaultsTests
{
    private static readonly Detector.Domain.BaselineSnapshot Warm = Baselines.Global(mean: 10, std60: 1);

    [Fact]
    public void A_surge_alerts_only_after_it_has_lasted_the_minimum_anomalous_seconds()
    {
        var tracker = new OriginalEpisodes(new DetectionOptions { GlobalMinAnomalousSeconds = 15 });

        var alerts = Enumerable.Range(100, 30).Select(s => tracker.Evaluate(s, 60, Warm)).ToList();

        Assert.All(alerts, r => Assert.True(r.Anomalous));
        Assert.Equal(114, Assert.Single(alerts, r => r.Alert is not null).Alert!.Second);
    }

    [Fact]
    public void A_brief_spike_that_is_gone_before_the_minimum_raises_no_alert()
    {
        var tracker = new OriginalEpisodes(new DetectionOptions { GlobalMinAnomalousSeconds = 15 });

        var spike = Enumerable.Range(100, 10).Select(s => tracker.Evaluate(s, 60, Warm).Alert);
        var after = Enumerable.Range(110, 10).Select(s => tracker.Evaluate(s, 10, Warm).Alert);

        Assert.All(spike.Concat(after), Assert.Null);
    }

    [Fact]
    public void A_high_z_score_on_a_small_rise_is_not_a_surge()
    {
        var tracker = new OriginalEpisodes(new DetectionOptions { GlobalMinAnomalousSeconds = 1, GlobalMinRiseFactor = 1.5 });

        Assert.False(tracker.Evaluate(1, 14, Warm).Anomalous); // z = 4, but only 1.4 × the mean
        Assert.True(tracker.Evaluate(2, 16, Warm).Anomalous);
    }
}

/// <summary>The original global rule feeding the episode tracker, as the coordinator wires them with
/// <see cref="GlobalRuleKind.Original"/>.</summary>
internal sealed class OriginalEpisodes(DetectionOptions options)
{
    private readonly OriginalGlobalRule _rule = new(options);
    private readonly GlobalEpisodeTracker _tracker = new(options);

    public bool InEpisode => _tracker.InEpisode;
    public long? EpisodeStartedAt => _tracker.EpisodeStartedAt;

    public (bool Anomalous, GlobalAlert? Alert) Evaluate(long second, double rate60, BaselineSnapshot baseline)
    {
        var anomaly = _rule.Judge(rate60, baseline);
        return (anomaly is not null, _tracker.Evaluate(second, anomaly));
    }
}
