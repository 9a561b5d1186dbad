using Detector.IpWindows;
using Detector.Domain;

namespace Detector.Tests.IpWindows;

public class SlidingWindowTests
{
    private static readonly SecondCounts OneOk = SecondCounts.Of(200);
    private static readonly SecondCounts OneNotFound = SecondCounts.Of(404);

    [Fact]
    public void A_new_window_is_empty_and_has_no_latest_second()
    {
        var window = new SlidingWindow(60);

        Assert.True(window.IsEmpty);
        Assert.Equal(long.MinValue, window.LatestSecond);
        Assert.Empty(window.Buckets());
        Assert.Equal(default, window.At(0));
    }

    [Fact]
    public void Window_holds_exactly_the_last_WindowSeconds_seconds_ending_at_the_latest()
    {
        var window = new SlidingWindow(60);
        window.Add(1000, OneOk);
        window.Add(1059, OneNotFound);

        Assert.Equal(new SecondCounts(2, 1, 0, 1), window.Totals);

        window.AdvanceTo(1060);

        Assert.Equal(OneNotFound, window.Totals);
        Assert.Equal(default, window.At(1000));
        Assert.Equal(OneNotFound, window.At(1059));
    }

    [Fact]
    public void A_late_second_inside_the_window_is_counted_and_an_older_one_is_ignored()
    {
        var window = new SlidingWindow(60);
        window.Add(2000, OneOk);

        Assert.True(window.Add(1941, OneOk));
        Assert.False(window.Add(1940, OneOk));
        Assert.Equal(2, window.Totals.Requests);
        Assert.Equal(2000, window.LatestSecond);
    }

    [Fact]
    public void AdvanceTo_never_moves_the_window_backward()
    {
        var window = new SlidingWindow(60);
        window.Add(500, OneOk);

        window.AdvanceTo(400);

        Assert.Equal(500, window.LatestSecond);
        Assert.Equal(1, window.Totals.Requests);
    }

    [Fact]
    public void A_jump_longer_than_the_window_clears_everything()
    {
        var window = new SlidingWindow(60);
        for (var s = 0; s < 60; s++)
            window.Add(s, OneNotFound);

        window.AdvanceTo(59 + 60);

        Assert.Equal(default, window.Totals);
        Assert.Empty(window.Buckets());
    }

    [Fact]
    public void Buckets_lists_non_empty_seconds_oldest_first()
    {
        var window = new SlidingWindow(10);
        window.Add(105, OneOk);
        window.Add(101, OneNotFound);
        window.Add(105, OneOk);

        Assert.Equal([(101L, OneNotFound), (105L, new SecondCounts(2, 0, 0, 0))], window.Buckets().ToList());
    }

    [Fact]
    public void Memory_does_not_grow_with_the_rate_ten_thousand_requests_per_second_for_two_minutes()
    {
        var window = new SlidingWindow(60);
        var capacity = window.BucketCapacity;

        for (var second = 0L; second < 120; second++)
            for (var i = 0; i < 10_000; i++)
                window.Add(second, OneOk);

        Assert.Equal(60, capacity);
        Assert.Equal(capacity, window.BucketCapacity);
        Assert.Equal(600_000, window.Totals.Requests);
        Assert.Equal(60, window.Buckets().Count());
    }

    [Fact]
    public void Works_across_negative_seconds()
    {
        var window = new SlidingWindow(3);
        window.Add(-2, OneOk);
        window.Add(-1, OneOk);
        window.Add(0, OneOk);

        Assert.Equal(3, window.Totals.Requests);
        window.AdvanceTo(1);
        Assert.Equal(2, window.Totals.Requests);
        Assert.Equal(default, window.At(-2));
    }
}
