using Detector.Configuration;
using Detector.Detection;
using Detector.Ingest;
using Detector.IpWindows;
using Detector.Domain;

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
    public void No_rule_of_the_whole_model_fires_at_or_below_the_batching_bounds()
    {
        // The coordinator holds back an IP's traffic while its window is at or below the rate bound and its errors at
        // or below the error bound: no rule may fire there, whatever the horizon, agents, surge or error mix.
        var random = new Random(2026);
        var ip = IpKey.Parse("192.0.2.1");
        for (var i = 0; i < 20_000; i++)
        {
            var options = RandomDetectionOptions.Draw(random, sharedBar: true);
            var baseline = Baselines.Ip(random.NextDouble() * 5, random.NextDouble() * 5, random.NextDouble() * 0.2);
            var surge = random.Next(2) == 0;
            var rateBound = IpRule.LowestFiringRate(baseline, options, siteSurge: surge);
            var errorBound = IpRule.HighestQuietErrors(options);
            var requests = random.Next(0, (int)Math.Min(2000, Math.Floor(rateBound * options.WindowSeconds)) + 1);
            var errors = random.Next(0, Math.Min(requests, errorBound) + 1);
            var auth = random.Next(0, errors + 1);
            var notFound = random.Next(0, errors - auth + 1);
            var window = new SecondCounts(requests, errors, auth, notFound, random.Next(0, requests - errors + 1));
            var horizon = new SecondCounts(random.Next(requests, 100_000), errors, auth, notFound);
            var evidence = new IpEvidence(window, horizon, random.Next(0, 20), surge);

            var verdict = IpRule.Evaluate(ip, 0, evidence, baseline, options);

            Assert.True(verdict is null, $"case {i}: {verdict?.Condition} fired at {requests} requests, {errors} errors (bounds {rateBound} req/s, {errorBound} errors)");
        }
    }

    [Fact]
    public void Lowest_firing_rate_uses_the_tightened_thresholds()
    {
        var options = new DetectionOptions { ZScoreThreshold = 3, RateMultiplier = 5, ErrorSurgeTightenFactor = 2, SustainedRate = 0, SurgeContributorRate = 0 };
        // z rule tightened: 1 + 1.5 × 2 = 4; multiplier tightened: 2.5 × 1 = 2.5.
        Assert.Equal(2.5, IpRule.LowestFiringRate(Baselines.Ip(1, 2), options), 9);
    }
}
