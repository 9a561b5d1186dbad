using Detector.Configuration;
using Detector.Detection;
using Detector.Ingest;
using Detector.Windows;

namespace Detector.Tests.Detection;

public class IpRuleLowestFiringRateTests
{
    [Fact]
    public void No_window_at_or_below_the_lowest_firing_rate_ever_fires()
    {
        var random = new Random(77);
        var ip = IpKey.Parse("192.0.2.1");
        for (var i = 0; i < 2000; i++)
        {
            var options = new DetectionOptions
            {
                ZScoreThreshold = 1 + random.NextDouble() * 4,
                RateMultiplier = 1.5 + random.NextDouble() * 8,
                ErrorSurgeTightenFactor = 1 + random.NextDouble() * 3,
                ErrorSurgeMinErrors = random.Next(0, 30),
            };
            var baseline = Baselines.Ip(random.NextDouble() * 5, random.NextDouble() * 5, random.NextDouble() * 0.2);
            var requests = random.Next(0, 2000);
            var window = new SecondCounts(requests, random.Next(0, requests + 1), 0, 0);

            var verdict = IpRule.Evaluate(ip, 0, window, baseline, options);
            var rate = (double)requests / options.WindowSeconds;

            if (verdict is not null) Assert.True(rate > IpRule.LowestFiringRate(baseline, options), $"case {i}: fired at {rate} ≤ bound");
        }
    }

    [Fact]
    public void Lowest_firing_rate_uses_the_tightened_thresholds()
    {
        var options = new DetectionOptions { ZScoreThreshold = 3, RateMultiplier = 5, ErrorSurgeTightenFactor = 2 };
        // z rule tightened: 1 + 1.5 × 2 = 4; multiplier tightened: 2.5 × 1 = 2.5.
        Assert.Equal(2.5, IpRule.LowestFiringRate(Baselines.Ip(1, 2), options), 9);
    }
}
