using Detector.Configuration;

namespace Detector.Tests.Detection;

/// <summary>Per-IP rule settings drawn over their useful ranges, for tests that must hold whatever the settings.</summary>
internal static class RandomDetectionOptions
{
    /// <param name="sharedBar">Also draw the shared-address bar (one more draw from <paramref name="random"/>).</param>
    public static DetectionOptions Draw(Random random, bool sharedBar = false)
    {
        var options = new DetectionOptions
        {
            ZScoreThreshold = 1 + random.NextDouble() * 4,
            RateMultiplier = 1.5 + random.NextDouble() * 8,
            ErrorSurgeTightenFactor = 1 + random.NextDouble() * 3,
            ErrorSurgeMinErrors = random.Next(0, 30),
            SustainedRate = random.Next(3) == 0 ? 0 : random.NextDouble() * 3,
            SurgeContributorRate = random.Next(3) == 0 ? 0 : random.NextDouble() * 3,
            AuthFailureMinCount = random.Next(0, 60),
            NotFoundMinCount = random.Next(0, 60),
            ClientErrorMinShare = random.NextDouble(),
        };
        if (sharedBar) options.SharedBarRaise = 1 + random.NextDouble() * 5;
        return options;
    }
}
