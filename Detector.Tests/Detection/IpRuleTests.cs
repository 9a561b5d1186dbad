using System.Globalization;
using Detector.Configuration;
using Detector.Detection;
using Detector.Ingest;
using Detector.Tests.Audit;
using Detector.IpWindows;
using Detector.Domain;

namespace Detector.Tests.Detection;

public class IpRuleTests
{
    private static readonly IpKey Ip = IpKey.Parse("203.0.113.9");
    private static readonly DetectionOptions Defaults = new();

    private static SecondCounts Window(int requests, int errors = 0) => new(requests, errors, 0, 0);

    [Fact]
    public void Rate_far_above_the_ip_population_fires_the_zscore_rule()
    {
        // 600 requests in 60 s = 10 req/s; z = (10 - 1) / 2 = 4.5
        var verdict = IpRule.Evaluate(Ip, 1000, Window(600), Baselines.Ip(1, 2), Defaults);

        Assert.NotNull(verdict);
        Assert.Equal("ip_zscore>3.0", verdict.Condition);
    }

    [Fact]
    public void Rate_above_five_times_the_mean_fires_the_multiplier_rule_when_the_spread_is_wide()
    {
        // 6 req/s; z = (6 - 1) / 10 = 0.5, but 6 > 5 × 1
        var verdict = IpRule.Evaluate(Ip, 1000, Window(360), Baselines.Ip(1, 10), Defaults);

        Assert.Equal("ip_rate>5.0x_mean", verdict?.Condition);
    }

    [Fact]
    public void Ordinary_rate_fires_nothing()
    {
        Assert.Null(IpRule.Evaluate(Ip, 1000, Window(120), Baselines.Ip(1, 2), Defaults));
    }

    [Fact]
    public void Empty_window_fires_nothing()
    {
        Assert.Null(IpRule.Evaluate(Ip, 1000, Window(0), Baselines.Ip(0, 0), Defaults));
    }

    [Fact]
    public void Verdict_carries_the_rate_and_the_ip_statistics_it_was_compared_with()
    {
        var verdict = IpRule.Evaluate(Ip, 1234, Window(600), Baselines.Ip(1.5, 2.5), Defaults);

        Assert.Equal(new IpVerdict(Ip, 1234, "ip_zscore>3.0", 10.0, 1.5, 2.5), verdict);
    }

    [Fact]
    public void Error_surge_halves_the_thresholds_and_says_so()
    {
        // 5 req/s: z = (5 - 1) / 2 = 2.0 is under 3.0 but over 1.5; errors 100/300 ≫ 3 × 3 %
        var window = Window(300, errors: 100);

        var verdict = IpRule.Evaluate(Ip, 1000, window, Baselines.Ip(1, 2, errorRate: 0.03), Defaults);

        Assert.Equal("ip_zscore>1.5+error_surge", verdict?.Condition);
        Assert.Null(IpRule.Evaluate(Ip, 1000, Window(300, errors: 0), Baselines.Ip(1, 2, errorRate: 0.03), Defaults));
    }

    [Fact]
    public void Error_surge_tightens_the_multiplier_rule_too()
    {
        // 3 req/s against mean 1, std 100: only 3 > 2.5 × 1 fires
        var verdict = IpRule.Evaluate(Ip, 1000, Window(180, errors: 60), Baselines.Ip(1, 100, errorRate: 0.02), Defaults);

        Assert.Equal("ip_rate>2.5x_mean+error_surge", verdict?.Condition);
    }

    [Fact]
    public void Fewer_errors_than_the_minimum_is_not_a_surge()
    {
        var window = Window(300, errors: Defaults.ErrorSurgeMinErrors - 1);

        Assert.False(IpRule.IsErrorSurge(window, Baselines.Ip(1, 2, errorRate: 0.0), Defaults));
        Assert.Null(IpRule.Evaluate(Ip, 1000, window, Baselines.Ip(1, 2, errorRate: 0.0), Defaults));
    }

    [Fact]
    public void Error_share_within_the_multiplier_of_the_baseline_error_rate_is_not_a_surge()
    {
        // 30 % errors against a 10 % baseline: exactly 3×, not more
        var window = Window(1000, errors: 300);

        Assert.False(IpRule.IsErrorSurge(window, Baselines.Ip(1, 2, errorRate: 0.1 + 1e-9), Defaults));
        Assert.True(IpRule.IsErrorSurge(window, Baselines.Ip(1, 2, errorRate: 0.09), Defaults));
    }

    [Fact]
    public void Zero_spread_disables_the_zscore_rule_but_not_the_multiplier()
    {
        Assert.Null(IpRule.Evaluate(Ip, 1000, Window(120), Baselines.Ip(1, 0), Defaults));
        Assert.Equal("ip_rate>5.0x_mean", IpRule.Evaluate(Ip, 1000, Window(600), Baselines.Ip(1, 0), Defaults)?.Condition);
    }

    [Fact]
    public void Conditions_use_configured_thresholds_in_invariant_culture()
    {
        var options = new DetectionOptions { ZScoreThreshold = 2.5, RateMultiplier = 7.5 };
        using var _ = CultureScope.German();

        Assert.Equal("ip_zscore>2.5", IpRule.Evaluate(Ip, 1, Window(600), Baselines.Ip(1, 2), options)?.Condition);
        Assert.Equal("ip_rate>7.5x_mean", IpRule.Evaluate(Ip, 1, Window(480), Baselines.Ip(1, 100), options)?.Condition);
    }

    [Fact]
    public void Agrees_with_a_reference_on_random_inputs()
    {
        var random = new Random(20260429);
        var fired = 0;
        for (var i = 0; i < 2000; i++)
        {
            var options = new DetectionOptions
            {
                WindowSeconds = random.Next(2) == 0 ? 60 : 30,
                ZScoreThreshold = new[] { 2.0, 2.5, 3.0, 4.0 }[random.Next(4)],
                RateMultiplier = new[] { 3.0, 5.0, 10.0 }[random.Next(3)],
                ErrorSurgeMultiplier = new[] { 2.0, 3.0 }[random.Next(2)],
                ErrorSurgeMinErrors = random.Next(1, 40),
                ErrorSurgeTightenFactor = new[] { 1.5, 2.0, 4.0 }[random.Next(3)],
            };
            var requests = random.Next(0, 1500);
            var errors = requests == 0 ? 0 : random.Next(0, requests + 1);
            var baseline = Baselines.Ip(
                ipMean: Math.Round(0.2 + random.NextDouble() * 10, 2),
                ipStd: Math.Round(0.2 + random.NextDouble() * 8, 2),
                errorRate: Math.Round(random.NextDouble() * 0.2, 3));

            var expected = ReferenceCondition(requests, errors, baseline.IpMean, baseline.IpStd, baseline.ErrorRate, options);
            var actual = IpRule.Evaluate(Ip, i, Window(requests, errors), baseline, options);

            Assert.True(expected == actual?.Condition,
                $"case {i}: requests={requests} errors={errors} mean={baseline.IpMean} std={baseline.IpStd} " +
                $"err={baseline.ErrorRate}: expected '{expected}', got '{actual?.Condition}'");
            if (actual is null) continue;
            fired++;
            Assert.Equal((double)requests / options.WindowSeconds, actual.Rate);
        }
        Assert.InRange(fired, 200, 1800); // the random cases exercise both outcomes
    }

    private static string? ReferenceCondition(int requests, int errors, double mean, double std, double errorRate, DetectionOptions o)
    {
        if (requests == 0) return null;
        var rate = requests / (double)o.WindowSeconds;
        var surge = errors >= o.ErrorSurgeMinErrors && errors / (double)requests > o.ErrorSurgeMultiplier * errorRate;
        var z = surge ? o.ZScoreThreshold / o.ErrorSurgeTightenFactor : o.ZScoreThreshold;
        var m = surge ? o.RateMultiplier / o.ErrorSurgeTightenFactor : o.RateMultiplier;
        string? condition = null;
        if ((rate - mean) / std > z) condition = "ip_zscore>" + z.ToString("F1", CultureInfo.InvariantCulture);
        else if (rate > m * mean) condition = "ip_rate>" + m.ToString("F1", CultureInfo.InvariantCulture) + "x_mean";
        return condition is null ? null : surge ? condition + "+error_surge" : condition;
    }
}
