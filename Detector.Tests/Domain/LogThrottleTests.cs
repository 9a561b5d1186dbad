using Detector.Domain;

namespace Detector.Tests.Domain;

public class LogThrottleTests
{
    [Fact]
    public void Lets_a_few_through_per_period_and_reports_how_many_it_left_out()
    {
        var throttle = new LogThrottle(perPeriod: 2, periodMs: 60_000);

        var first = Enumerable.Range(0, 1000).Count(i => throttle.TryLog(i, out _));

        Assert.Equal(2, first);
        Assert.Equal(998, throttle.Suppressed);
        Assert.True(throttle.TryLog(60_000, out var suppressed));
        Assert.Equal(998, suppressed);
        Assert.Equal(0, throttle.Suppressed);
    }
}
