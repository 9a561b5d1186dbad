using Detector.Configuration;
using Detector.Domain;
using Detector.Pipeline;

namespace Detector.Tests.Pipeline;

public sealed class SiteModelTests
{
    private const long Start = 1_777_471_200; // 2026-04-29T14:00:00Z

    private static SiteModel NewModel() => new(new DetectionOptions(), new BaselineOptions());

    /// <summary>Recomputes, alerts and the final state of a run.</summary>
    private sealed record Run(List<BaselineSnapshot> Recomputes, List<GlobalAlert> Alerts, double Rate, bool InEpisode, List<CloseStep> Skips);

    private static Run EverySecond(SortedDictionary<long, SecondCounts> traffic, long end)
    {
        var model = NewModel();
        var run = new Run([], [], 0, false, []);
        for (var second = traffic.Keys.First(); second < end; second++)
            Close(model, run, second, traffic.GetValueOrDefault(second));
        return run with { Rate = model.Rate, InEpisode = model.InEpisode };
    }

    private static Run Cut(SortedDictionary<long, SecondCounts> traffic, long end)
    {
        var model = NewModel();
        var cutter = new SecondCutter(30, new BaselineOptions().RecomputeSeconds, longGapSeconds: 1800);
        var run = new Run([], [], 0, false, []);
        void CloseUntil(long until)
        {
            while (true)
            {
                var step = cutter.Next(until, model.IsQuietFrom(cutter.OpenSecond) ? long.MaxValue : cutter.OpenSecond);
                if (step.IsNone) return;
                if (step.IsFull) Close(model, run, step.From, traffic.GetValueOrDefault(step.From));
                else
                {
                    model.SkipQuiet(step.From, step.To);
                    run.Skips.Add(step);
                }
                cutter.Done(step);
            }
        }
        foreach (var second in traffic.Keys)
        {
            if (cutter.Place(second) == SecondPlacement.Later)
            {
                CloseUntil(second);
                cutter.Place(second);
            }
        }
        CloseUntil(end);
        return run with { Rate = model.Rate, InEpisode = model.InEpisode };
    }

    private static void Close(SiteModel model, Run run, long second, SecondCounts counts)
    {
        var closed = model.CloseSecond(second, counts);
        if (closed.Alert is { } alert) run.Alerts.Add(alert);
        if (model.IsRecomputeDue(second + 1)) run.Recomputes.Add(model.Recompute(second + 1));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Skipping_quiet_gaps_shorter_than_the_history_changes_nothing(int seed)
    {
        // Bursts of traffic (some of them surges) with quiet gaps of up to 29 minutes, closed second by second and
        // with the cutter's jumps: the same baselines at every recompute, the same alerts, the same state at the end.
        var random = new Random(seed);
        var traffic = new SortedDictionary<long, SecondCounts>();
        var t = Start;
        for (var burst = 0; burst < 40; burst++)
        {
            var length = random.Next(30, 600);
            var rate = random.Next(4) == 0 ? random.Next(30, 80) : random.Next(2, 10);
            for (var s = t; s < t + length; s++)
            {
                var requests = random.Next(rate / 2, rate + 1);
                if (requests > 0) traffic[s] = new SecondCounts(requests, random.Next(0, requests / 4 + 1), 0, 0);
            }
            t += length + (random.Next(3) == 0 ? random.Next(0, 30) : random.Next(60, 29 * 60));
        }

        var expected = EverySecond(traffic, t);
        var actual = Cut(traffic, t);

        Assert.True(expected.Recomputes.Count > 100);
        Assert.Contains(expected.Recomputes, b => b.Warm);
        Assert.NotEmpty(expected.Alerts);
        Assert.True(actual.Skips.Count > 20 && actual.Skips.Max(s => s.To - s.From) > 30, "the cutter hardly skipped");
        Assert.Equal(expected.Recomputes, actual.Recomputes);
        Assert.Equal(expected.Alerts, actual.Alerts);
        Assert.Equal((expected.Rate, expected.InEpisode), (actual.Rate, actual.InEpisode));
    }

    [Fact]
    public void The_window_is_quiet_a_full_window_after_its_last_traffic()
    {
        var model = NewModel();
        Assert.True(model.IsQuietFrom(Start));

        model.CloseSecond(Start, new SecondCounts(5, 0, 0, 0));

        Assert.False(model.IsQuietFrom(Start + 59));
        Assert.True(model.IsQuietFrom(Start + 60));
    }

    [Fact]
    public void A_banned_ips_traffic_leaves_the_window_and_its_closing_share_is_handed_back()
    {
        var model = NewModel();
        model.CloseSecond(Start, new SecondCounts(10, 0, 0, 0));
        model.CloseSecond(Start + 1, new SecondCounts(10, 0, 0, 0));

        var closing = model.ForgetBanned([(Start, new SecondCounts(4, 0, 0, 0)), (Start + 2, new SecondCounts(3, 0, 0, 0))], closingSecond: Start + 2);
        var third = model.CloseSecond(Start + 2, new SecondCounts(7, 0, 0, 0) - closing);

        Assert.Equal(new SecondCounts(3, 0, 0, 0), closing);
        Assert.Equal((10 - 4 + 10 + 4) / 60.0, third.Rate, 9);
    }

    [Fact]
    public void A_quiet_point_is_rate_zero_in_the_current_band()
    {
        var model = NewModel();

        var point = model.QuietPoint(Start);

        Assert.Equal((Start, 0.0, model.Baseline.Mean), (point.Second, point.Rate, point.Mean));
    }
}
