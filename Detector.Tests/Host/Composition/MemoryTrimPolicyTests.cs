using Detector.Host.Composition;

namespace Detector.Tests.Host.Composition;

public class MemoryTrimPolicyTests
{
    [Fact]
    public void Trims_once_after_the_tracked_addresses_fall_far_below_their_peak_and_not_again_until_the_next_drop()
    {
        var policy = new MemoryTrimPolicy(minDrop: 20_000);

        var samples = new[] { 1_000, 90_000, 150_000, 140_000, 60_000, 2_000, 1_500, 1_000, 30_000, 5_000 };
        var trims = samples.Select(policy.ShouldTrim).ToArray();

        // Climbing and a small dip: nothing. The fall to 60,000 trims and starts a new peak there; 2,000 is far below
        // it and trims again; small changes after that do not; a second churn up to 30,000 falling to 5,000 does.
        Assert.Equal([false, false, false, false, true, true, false, false, false, true], trims);
    }
}
