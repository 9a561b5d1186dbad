using Detector.Pipeline;

namespace Detector.Tests.Pipeline;

public sealed class SecondCutterTests
{
    private const long Start = 1_777_471_200; // 2026-04-29T14:00:00Z, a minute's start
    private const long Quiet = long.MaxValue;

    private static SecondCutter Replay() => new(latenessToleranceSeconds: 30, recomputeSeconds: 60, longGapSeconds: 1800);

    /// <summary>Runs the cutter to <paramref name="until"/>, the caller needing no second; returns its steps.</summary>
    private static List<CloseStep> Steps(SecondCutter cutter, long until, Func<long, long>? mustClose = null)
    {
        var steps = new List<CloseStep>();
        while (true)
        {
            var step = cutter.Next(until, mustClose?.Invoke(cutter.OpenSecond) ?? Quiet);
            if (step.IsNone) return steps;
            steps.Add(step);
            cutter.Done(step);
            Assert.True(steps.Count < 100_000, "the cutter walks the gap second by second");
        }
    }

    [Fact]
    public void Entries_fall_into_the_open_second_late_too_late_or_after_it()
    {
        var cutter = Replay();

        Assert.Equal(SecondPlacement.Open, cutter.Place(Start + 100));
        Assert.Equal(Start + 100, cutter.OpenSecond);
        Assert.Equal(SecondPlacement.Late, cutter.Place(Start + 70));
        Assert.Equal(SecondPlacement.TooLate, cutter.Place(Start + 69));
        Assert.Equal(SecondPlacement.Later, cutter.Place(Start + 101));
        Assert.Equal(Start + 100, cutter.OpenSecond);
    }

    [Fact]
    public void A_second_with_traffic_is_closed_in_full()
    {
        var cutter = Replay();
        cutter.Place(Start + 5);

        Assert.Equal(CloseStep.Full(Start + 5), cutter.Next(Start + 6, Quiet));
        Assert.Equal(CloseStep.Full(Start + 5), cutter.Next(Start + 500, Quiet));
    }

    [Fact]
    public void A_log_jumping_from_1970_to_2026_closes_in_a_few_steps()
    {
        var cutter = Replay();
        cutter.Place(0);

        var steps = Steps(cutter, Start);

        Assert.True(steps.Count <= 4, string.Join(", ", steps));
        Assert.Equal(Start, cutter.OpenSecond);
        // One recompute after the gap: its last boundary, closed in full.
        Assert.Equal([0, Start - 1], steps.Where(s => s.IsFull).Select(s => s.From));
    }

    [Fact]
    public void A_gap_shorter_than_the_history_keeps_every_recompute_boundary()
    {
        var cutter = Replay();
        cutter.Place(Start + 10);

        var steps = Steps(cutter, Start + 29 * 60 + 10);

        var full = steps.Where(s => s.IsFull).Select(s => s.From).ToList();
        Assert.Equal([Start + 10, .. Enumerable.Range(1, 29).Select(m => Start + m * 60L - 1)], full);
        Assert.Equal(Start + 29 * 60 + 10, cutter.OpenSecond);
        // The steps cover every second exactly once.
        Assert.Equal(Start + 29 * 60 + 10 - (Start + 10), steps.Sum(s => s.To - s.From));
    }

    [Fact]
    public void Seconds_the_caller_needs_are_closed_in_full_even_in_a_long_gap()
    {
        var cutter = Replay();
        cutter.Place(Start);
        long[] needed = [Start + 59, Start + 119, Start + 5000];

        var steps = Steps(cutter, Start + 10_000, open => needed.Where(n => n >= open).DefaultIfEmpty(Quiet).Min());

        // The gap is long: of its recompute boundaries only the last (Start + 9960 − 1) is kept.
        Assert.Equal([Start, .. needed, Start + 9959],
            steps.Where(s => s.IsFull).Select(s => s.From));
    }

    [Fact]
    public void The_caller_can_hold_every_second()
    {
        var cutter = Replay();
        cutter.Place(Start);

        var steps = Steps(cutter, Start + 100, open => open);

        Assert.Equal(100, steps.Count);
        Assert.All(steps, s => Assert.True(s.IsFull));
    }

    [Fact]
    public void Live_closes_every_second_of_a_short_stretch_and_jumps_a_long_one()
    {
        var cutter = new SecondCutter(30, 60, 1800, everySecondInShortStretch: true);
        cutter.StartAt(Start);

        Assert.Equal(10, Steps(cutter, Start + 10).Count);
        // A year: jumped to its last recompute boundary; the last minute is a short stretch again.
        Assert.InRange(Steps(cutter, Start + 10 + 86_400 * 365L).Count, 2, 2 + 60);
    }

    [Fact]
    public void Recompute_periods_other_than_a_minute_set_the_boundaries()
    {
        var cutter = new SecondCutter(30, recomputeSeconds: 300, longGapSeconds: 1800);
        cutter.StartAt(Start);

        var full = Steps(cutter, Start + 1200).Where(s => s.IsFull).Select(s => s.From);

        Assert.Equal([Start + 299, Start + 599, Start + 899, Start + 1199], full);
    }

    [Fact]
    public void Year_9999_is_a_second_like_any_other()
    {
        var last = DateTimeOffset.MaxValue.ToUnixTimeSeconds();
        var cutter = Replay();
        cutter.Place(last);

        Assert.Equal([CloseStep.Full(last)], Steps(cutter, last + 1));
    }
}
