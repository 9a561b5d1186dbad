using Detector.Audit;
using Detector.Domain;

namespace Detector.Tests.Api;

public sealed class RecentAuditEventsTests
{
    private static DetectorEvent At(long second) => new GlobalAlertRaised(second, "global_rate>5.0x_mean", 1, 1, 1);

    [Fact]
    public void Keeps_only_the_newest_events_up_to_its_capacity()
    {
        var recent = new RecentAuditEvents(capacity: 3);
        for (var s = 1; s <= 5; s++) recent.Add(At(s));

        Assert.Equal([3L, 4L, 5L], recent.Since(null, 10).Select(e => e.At));
    }

    [Fact]
    public void Since_is_inclusive_and_limit_keeps_the_newest()
    {
        var recent = new RecentAuditEvents();
        for (var s = 1; s <= 5; s++) recent.Add(At(s));

        Assert.Equal([4L, 5L], recent.Since(4, 10).Select(e => e.At));
        Assert.Equal([4L, 5L], recent.Since(null, 2).Select(e => e.At));
        Assert.Empty(recent.Since(6, 10));
    }
}
