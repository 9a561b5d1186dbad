using Detector.Baseline;
using Detector.IpWindows;
using static Detector.Tests.Baseline.BaselineTestOptions;
using Detector.Domain;

namespace Detector.Tests.Baseline;

public class BaselineModelTests
{
    private const long Start = 1_699_920_000 + 3 * 3600; // 2023-11-14T03:00:00Z

    private static SecondCounts Requests(int requests, int errors = 0) => new(requests, errors, 0, errors);

    private static void RecordSteady(BaselineModel model, long from, int seconds, int requests, int errors = 0)
    {
        for (var s = from; s < from + seconds; s++)
            model.RecordSecond(s, Requests(requests, errors), anomalous: false);
    }

    [Fact]
    public void Before_any_recompute_Current_is_the_floors_only_snapshot()
    {
        var (baseline, detection) = Defaults();
        var current = new BaselineModel(baseline, detection).Current;

        Assert.False(current.Warm);
        Assert.Equal("floor", current.Slot);
        Assert.Equal(detection.GlobalMeanFloor, current.Mean);
        Assert.Equal(detection.GlobalStdFloor, current.Std);
        Assert.Equal(detection.GlobalStdFloor, current.Std60);
        Assert.Equal(baseline.ErrorRateFloor, current.ErrorRate);
        Assert.Equal(detection.IpMeanFloor, current.IpMean);
        Assert.Equal(detection.IpStdFloor, current.IpStd);
    }

    [Fact]
    public void Floors_alone_apply_until_the_history_holds_MinHistorySeconds_learned_seconds()
    {
        var (baseline, detection) = Defaults();
        var model = new BaselineModel(baseline, detection);
        RecordSteady(model, Start, baseline.MinHistorySeconds - 1, requests: 100);

        var cold = model.Recompute(Start + baseline.MinHistorySeconds - 2);
        Assert.False(cold.Warm);
        Assert.Equal("floor", cold.Slot);
        Assert.Equal(detection.GlobalMeanFloor, cold.Mean);
        Assert.Equal(baseline.MinHistorySeconds - 1, cold.Points);

        RecordSteady(model, Start + baseline.MinHistorySeconds - 1, 1, requests: 100);
        var warm = model.Recompute(Start + baseline.MinHistorySeconds - 1);
        Assert.True(warm.Warm);
        Assert.Equal("rolling", warm.Slot);
        Assert.Equal(100, warm.Mean);
        Assert.Equal(baseline.MinHistorySeconds, warm.Points);
    }

    [Fact]
    public void Floors_keep_a_quiet_warm_baseline_from_going_near_zero()
    {
        var (baseline, detection) = Defaults();
        var model = new BaselineModel(baseline, detection);
        RecordSteady(model, Start, 600, requests: 0);

        var snapshot = model.Recompute(Start + 599);

        Assert.True(snapshot.Warm);
        Assert.Equal(detection.GlobalMeanFloor, snapshot.Mean);
        Assert.Equal(detection.GlobalStdFloor, snapshot.Std);
        Assert.Equal(detection.GlobalStdFloor, snapshot.Std60);
        Assert.Equal(baseline.ErrorRateFloor, snapshot.ErrorRate);
        Assert.Equal(detection.IpMeanFloor, snapshot.IpMean);
        Assert.Equal(detection.IpStdFloor, snapshot.IpStd);
    }

    [Fact]
    public void Anomalous_seconds_are_not_learned()
    {
        var (baseline, detection) = Raw();
        var model = new BaselineModel(baseline, detection);
        RecordSteady(model, Start, 600, requests: 10, errors: 1);
        for (var s = Start + 600; s < Start + 660; s++)
            model.RecordSecond(s, Requests(10_000, 9_000), anomalous: true);

        var snapshot = model.Recompute(Start + 659);

        Assert.Equal(600, snapshot.Points);
        Assert.Equal(600, model.LearnedSeconds);
        Assert.Equal(10, snapshot.Mean);
        Assert.Equal(0, snapshot.Std);
        Assert.Equal(0.1, snapshot.ErrorRate, 12);
    }

    [Fact]
    public void Forget_removes_traffic_already_learned_from_an_ip_banned_later()
    {
        var (baseline, detection) = Raw();
        var model = new BaselineModel(baseline, detection);
        RecordSteady(model, Start, 600, requests: 60, errors: 50);

        for (var s = Start; s < Start + 600; s++)
            model.Forget(s, Requests(50, 50));
        var snapshot = model.Recompute(Start + 599);

        Assert.Equal(10, snapshot.Mean);
        Assert.Equal(0, snapshot.Std);
        Assert.Equal(0, snapshot.Std60);
        Assert.Equal(0, snapshot.ErrorRate);
        Assert.Equal(600, snapshot.Points);
    }

    [Fact]
    public void Forget_is_ignored_for_seconds_that_left_the_history_and_for_anomalous_seconds()
    {
        var (baseline, detection) = Raw(historyMinutes: 1);
        var model = new BaselineModel(baseline, detection);
        model.RecordSecond(Start, Requests(10), anomalous: false);
        model.RecordSecond(Start + 1, Requests(500), anomalous: true);
        RecordSteady(model, Start + 2, 60, requests: 10);

        model.Forget(Start, Requests(10));
        model.Forget(Start + 1, Requests(500));
        model.Forget(Start + 62, Requests(10));
        var snapshot = model.Recompute(Start + 61);

        Assert.Equal(10, snapshot.Mean);
        Assert.Equal(60, snapshot.Points);
    }

    [Fact]
    public void Gaps_between_recorded_seconds_are_learned_as_zero_traffic()
    {
        var (baseline, detection) = Raw();
        var model = new BaselineModel(baseline, detection);
        model.RecordSecond(Start, Requests(30), anomalous: false);
        model.RecordSecond(Start + 2, Requests(30), anomalous: false);

        var snapshot = model.Recompute(Start + 2);

        Assert.Equal(3, snapshot.Points);
        Assert.Equal(20, snapshot.Mean, 12);
    }

    [Fact]
    public void A_gap_longer_than_the_history_leaves_only_zero_traffic_in_it()
    {
        var (baseline, detection) = Raw(historyMinutes: 2);
        var model = new BaselineModel(baseline, detection);
        RecordSteady(model, Start, 120, requests: 50);

        model.RecordSecond(Start + 10_000, Requests(0), anomalous: false);
        var snapshot = model.Recompute(Start + 10_000);

        Assert.Equal(120, snapshot.Points);
        Assert.Equal(120, model.LearnedSeconds);
        Assert.Equal(0, snapshot.Mean);
    }

    [Fact]
    public void Rolling_is_used_before_the_hourly_slot_has_SlotMinSeconds_and_the_slot_afterwards()
    {
        var (baseline, detection) = Defaults();
        var model = new BaselineModel(baseline, detection);
        var hour14 = 1_699_920_000L + 14 * 3600;
        var random = new Random(14);
        var learned = new List<(long Second, SecondCounts Counts)>();
        // Rising traffic: the last 30 minutes of the hour are busier than the hour as a whole.
        for (var s = hour14 - 600; s < hour14 + 3600; s++)
        {
            var requests = (int)(s - hour14 + 600) / 60 + random.Next(0, 20);
            var counts = Requests(requests, random.Next(0, requests / 4 + 1));
            model.RecordSecond(s, counts, anomalous: false);
            if (s >= hour14)
                learned.Add((s, counts));

            var secondsInSlot = s - hour14 + 1;
            if (secondsInSlot == baseline.SlotMinSeconds - 1)
                Assert.Equal("rolling", model.Recompute(s).Slot);
            if (secondsInSlot == baseline.SlotMinSeconds)
                Assert.Equal("14h", model.Recompute(s).Slot);
        }

        var snapshot = model.Recompute(hour14 + 3599);
        var (mean, std, errorRate, points) = BaselineReference.SecondStats(learned);

        Assert.Equal("14h", snapshot.Slot);
        Assert.True(snapshot.Warm);
        Assert.Equal(3600, points);
        Assert.Equal(points, snapshot.Points);
        Close(mean, snapshot.Mean, "slot Mean", 14);
        Close(std, snapshot.Std, "slot Std", 14);
        Close(errorRate, snapshot.ErrorRate, "slot ErrorRate", 14);
        // The last minute of the hour closes when the next second arrives.
        model.RecordSecond(hour14 + 3600, Requests(0), anomalous: false);
        Close(BaselineReference.Std60(learned), model.Recompute(hour14 + 3599).Std60, "slot Std60", 14);
        Assert.NotEqual(snapshot.Mean, BaselineReference.SecondStats(learned.Skip(1800).ToList()).Mean, 3);
    }

    [Fact]
    public void The_hourly_slot_takes_per_ip_statistics_from_its_own_hour()
    {
        var (baseline, detection) = Raw();
        detection.RobustIpStatistics = false;
        baseline.SlotMinSeconds = 1800;
        var model = new BaselineModel(baseline, detection);
        var hour14 = 1_699_920_000L + 14 * 3600;
        var rates = new List<double>();
        for (var minute = 0; minute < 60; minute++)
        {
            var end = hour14 + 60 * (minute + 1);
            RecordSteady(model, end - 60, 60, requests: 5);
            int[] ips = [minute, 60 + minute * 3, 120];
            model.RecordIpMinute(end, ips);
            rates.AddRange(ips.Select(c => c / 60.0));
        }

        var snapshot = model.Recompute(hour14 + 3599);
        var (ipMean, ipStd) = BaselineReference.MeanAndStd(rates);

        Assert.Equal("14h", snapshot.Slot);
        Close(ipMean, snapshot.IpMean, "slot IpMean", 0);
        Close(ipStd, snapshot.IpStd, "slot IpStd", 0);
    }

    [Fact]
    public void Robust_per_ip_statistics_are_not_dragged_by_a_few_heavy_hitters()
    {
        var (baseline, detection) = Raw();
        var model = new BaselineModel(baseline, detection);
        var start = 1_699_920_000L;
        for (var minute = 0; minute < 10; minute++)
        {
            var end = start + 60 * (minute + 1);
            RecordSteady(model, end - 60, 60, requests: 5);
            // 97 ordinary clients at 6 requests a minute, three heavy hitters at 6,000.
            model.RecordIpMinute(end, [.. Enumerable.Repeat(6, 97), 6000, 6000, 6000]);
        }

        var robust = model.Recompute(start + 600);
        detection.RobustIpStatistics = false;
        var classic = new BaselineModel(baseline, detection);
        for (var minute = 0; minute < 10; minute++)
        {
            var end = start + 60 * (minute + 1);
            RecordSteady(classic, end - 60, 60, requests: 5);
            classic.RecordIpMinute(end, [.. Enumerable.Repeat(6, 97), 6000, 6000, 6000]);
        }
        var dragged = classic.Recompute(start + 600);

        Assert.Equal(0.1, robust.IpMean, 9);
        Assert.Equal(0, robust.IpStd, 9);
        Assert.True(dragged.IpMean > 2.9, $"mean {dragged.IpMean}");
        Assert.True(dragged.IpStd > 10, $"std {dragged.IpStd}");
    }

    [Fact]
    public void The_hourly_slot_remembers_the_same_hour_on_earlier_days_for_a_week()
    {
        var (baseline, detection) = Defaults();
        var day = 1_699_920_000L;
        var hour14 = day + 14 * 3600;

        var nextDay = new BaselineModel(baseline, detection);
        RecordSteady(nextDay, hour14, 3600, requests: 40);
        RecordSteady(nextDay, hour14 + 86_400, 300, requests: 10);
        var onNextDay = nextDay.Recompute(hour14 + 86_400 + 299);
        Assert.Equal("14h", onNextDay.Slot);
        Assert.Equal((3600 * 40 + 300 * 10) / 3900.0, onNextDay.Mean, 9);

        var weekLater = new BaselineModel(baseline, detection);
        RecordSteady(weekLater, hour14, 3600, requests: 40);
        RecordSteady(weekLater, hour14 + 7 * 86_400, 300, requests: 10);
        var afterAWeek = weekLater.Recompute(hour14 + 7 * 86_400 + 299);
        Assert.Equal("rolling", afterAWeek.Slot);
    }

    [Fact]
    public void Forget_also_removes_the_traffic_from_the_hourly_slot()
    {
        var (baseline, detection) = Raw();
        baseline.SlotMinSeconds = 1800;
        var hour14 = 1_699_920_000L + 14 * 3600;
        var withBannedIp = new BaselineModel(baseline, detection);
        RecordSteady(withBannedIp, hour14, 3000, requests: 10);
        RecordSteady(withBannedIp, hour14 + 3000, 600, requests: 110);
        for (var s = hour14 + 3000; s < hour14 + 3600; s++)
            withBannedIp.Forget(s, Requests(100));
        withBannedIp.RecordSecond(hour14 + 3600, Requests(10), anomalous: false);

        var snapshot = withBannedIp.Recompute(hour14 + 3599);

        Assert.Equal("14h", snapshot.Slot);
        Assert.Equal(10, snapshot.Mean, 12);
        Assert.Equal(0, snapshot.Std, 12);
        // Minute rates are real numbers kept by Welford; replacing them leaves rounding far below any floor.
        Assert.Equal(0, snapshot.Std60, 6);
    }

    [Fact]
    public void A_second_not_after_the_last_recorded_one_is_ignored()
    {
        var (baseline, detection) = Raw();
        var model = new BaselineModel(baseline, detection);
        RecordSteady(model, Start, 10, requests: 10);

        model.RecordSecond(Start + 5, Requests(1_000), anomalous: false);
        var snapshot = model.Recompute(Start + 9);

        Assert.Equal(10, snapshot.Points);
        Assert.Equal(10, snapshot.Mean);
    }
}
