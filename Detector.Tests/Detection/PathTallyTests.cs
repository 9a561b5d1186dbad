using Detector.Detection;
using Detector.Domain;

namespace Detector.Tests.Detection;

public class PathTallyTests
{
    [Fact]
    public void Few_paths_are_counted_exactly()
    {
        var tally = new PathTally();
        for (var i = 0; i < 100; i++) tally.Add(i % 3 == 0 ? "/" : "/login");

        Assert.Equal(100, tally.Total);
        Assert.Equal(100, tally.TopTwo());
    }

    [Fact]
    public void Health_probes_are_not_counted()
    {
        var tally = new PathTally();
        tally.Add("/status.php", 50);
        tally.Add("/status.php?format=json");

        Assert.True(tally.IsEmpty);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Counts_are_lower_bounds_within_the_Misra_Gries_error(int seed)
    {
        var random = new Random(seed);
        var tally = new PathTally();
        var truth = new Dictionary<string, int>();
        var paths = Enumerable.Range(0, 40).Select(i => $"/remote.php/dav/files/u/{i}").ToArray();
        var total = 0;
        for (var i = 0; i < 5_000; i++)
        {
            // Skewed: a couple of paths are heavy, the rest a long tail; weights arrive in batches.
            var path = random.Next(3) == 0 ? paths[0] : random.Next(4) == 0 ? paths[1] : paths[random.Next(paths.Length)];
            var count = random.Next(1, 4);
            tally.Add(path, count);
            truth[path] = truth.GetValueOrDefault(path) + count;
            total += count;
        }

        var trueTopTwo = truth.Values.OrderDescending().Take(2).Sum();
        Assert.Equal(total, tally.Total);
        Assert.InRange(tally.TopTwo(), trueTopTwo - 2 * total / (PathTally.Slots + 1), trueTopTwo);
        var pathOf = paths.ToDictionary(p => PathKey.Of(p).Path);
        foreach (var (key, count) in tally.ToArray())
            Assert.InRange(count, truth[pathOf[key]] - total / (PathTally.Slots + 1), truth[pathOf[key]]);
    }

    [Fact]
    public void Many_distinct_paths_are_not_concentrated()
    {
        var tally = new PathTally();
        for (var i = 0; i < 1_000; i++) tally.Add($"/index.php/core/preview?fileId={i}&x=250&y=250");

        Assert.True(tally.TopTwo() < 0.01 * tally.Total);
    }

    [Fact]
    public void A_request_is_tallied_by_path_and_by_route_at_once_and_a_probe_in_neither()
    {
        var byPath = new PathTally();
        var byRoute = new PathTally(byRoute: true);
        foreach (var path in new[] { "/login", "/login", "/login?redirect_url=/a", "/status.php", "/" })
            PathTally.AddRequest(byPath, byRoute, PathKey.Of(path));

        Assert.Equal((4, 4), (byPath.Total, byRoute.Total));
        Assert.Equal([2, 1, 1], byPath.ToArray().Select(c => c.Count).Order().Reverse());
        Assert.Equal([3, 1], byRoute.ToArray().Select(c => c.Count).Order().Reverse());
        Assert.Equal(PathKey.Of("/login").Path, PathKey.Of("/login?redirect_url=/a").Route);
    }

    [Fact]
    public void By_route_the_query_does_not_count()
    {
        var byRoute = new PathTally(byRoute: true);
        var byPath = new PathTally();
        for (var i = 0; i < 300; i++)
        {
            byRoute.Add($"/ocs/v2.php/apps/files/api/v1/views?{i}");
            byPath.Add($"/ocs/v2.php/apps/files/api/v1/views?{i}");
        }

        Assert.Equal(300, byRoute.TopTwo());
        Assert.True(byPath.TopTwo() < 10);
    }

    [Fact]
    public void The_horizon_forgets_minutes_that_left_it()
    {
        var horizon = new PathHorizon(600);
        var login = PathKey.Of("/login").Path;
        horizon.Add(60, [new PathCount(login, 100)], 100);
        horizon.Add(6 * 60, [new PathCount(login, 50)], 80);

        var both = horizon.Over(9 * 60 + 59);
        Assert.Equal(180, both.Total);
        Assert.Equal(150, both.TopTwo());

        var later = horizon.Over(11 * 60);
        Assert.Equal(80, later.Total);
        Assert.Equal(50, later.TopTwo());
    }
}
