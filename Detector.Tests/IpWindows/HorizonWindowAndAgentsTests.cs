using Detector.IpWindows;
using Detector.Domain;

namespace Detector.Tests.IpWindows;

public class HorizonWindowAndAgentsTests
{
    private static readonly SecondCounts One = new(1, 0, 0, 0);

    [Fact]
    public void Horizon_counts_ten_minutes_in_ten_second_buckets_and_drops_what_falls_out()
    {
        var horizon = new HorizonWindow(600);
        for (var s = 0; s < 1200; s++) horizon.Add(s, One);

        // The last 60 buckets: seconds 600..1199.
        Assert.Equal(600, horizon.Totals.Requests);
        // At 1500 the horizon holds buckets 910..1509 (exact to the bucket): seconds 910..1199 remain.
        horizon.AdvanceTo(1500);
        Assert.Equal(290, horizon.Totals.Requests);
    }

    [Fact]
    public void Horizon_memory_does_not_grow_with_the_rate()
    {
        var horizon = new HorizonWindow(600);
        horizon.Add(5, new SecondCounts(10_000, 0, 0, 0));

        Assert.Equal(10_000, horizon.Totals.Requests);
        Assert.Equal(600, horizon.HorizonSeconds);
    }

    [Fact]
    public void Recent_agents_counts_distinct_agents_since_a_second_and_keeps_at_most_its_capacity()
    {
        var agents = new RecentAgents(capacity: 3);
        agents.Add("a", 10);
        agents.Add("b", 20);
        agents.Add("a", 30);
        agents.Add("c", 40);
        agents.Add("d", 50); // drops b, the longest unseen

        Assert.Equal(3, agents.CountSince(0));
        Assert.Equal(2, agents.CountSince(35));
    }
}
