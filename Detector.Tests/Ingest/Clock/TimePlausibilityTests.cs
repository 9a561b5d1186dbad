using Detector.Configuration;
using Detector.Domain;
using Detector.Ingest;
using Detector.Ingest.Clock;

namespace Detector.Tests.Ingest.Clock;

public class TimePlausibilityTests
{
    private static readonly long T = DateTimeOffset.Parse("2026-04-29T14:00:00Z").ToUnixTimeMilliseconds();
    private const long Hour = 3_600_000;
    private const long Replay = long.MinValue;

    private static EntryBatch Batch(params long[] times) =>
        new(times.Select((t, i) => new AccessLogEntry(IpKey.Parse($"192.0.2.{i + 1}"), t, "GET", "/", 200, 0, "-")).ToArray(), times.Length);

    private static long[] Times(EntryBatch batch) => batch.Span.ToArray().Select(e => e.TimeMs).ToArray();

    private static (long[] Times, int Rejected) Admit(TimePlausibility policy, long reference, params long[] times)
    {
        var admitted = policy.Admit(Batch(times), reference, out var rejected);
        return (Times(admitted), rejected);
    }

    [Fact]
    public void A_replay_starts_once_the_first_lines_agree_on_where_the_stream_is_and_keeps_their_order()
    {
        var policy = new TimePlausibility(new ClockOptions());

        Assert.Empty(Admit(policy, Replay, T + 5).Times);
        Assert.Equal(1, policy.HeldCount);
        var (times, rejected) = Admit(policy, Replay, T + 2, T + 9, T + 10);

        Assert.Equal([T + 5, T + 2, T + 9, T + 10], times);
        Assert.Equal(0, rejected);
        Assert.Equal(T + 10, policy.NewestAcceptedMs);
    }

    [Fact]
    public void Lines_outside_the_plausible_years_are_rejected_whatever_the_mode()
    {
        var policy = new TimePlausibility(new ClockOptions());
        var year9999 = DateTimeOffset.Parse("9999-12-31T23:59:59Z").ToUnixTimeMilliseconds();

        var (times, rejected) = Admit(policy, T, 0, 1_000, T, year9999, T + 1);

        Assert.Equal([T, T + 1], times);
        Assert.Equal(3, rejected);
    }

    [Fact]
    public void A_single_far_future_line_in_a_replay_is_held_then_rejected_when_the_stream_goes_on_without_it()
    {
        var policy = new TimePlausibility(new ClockOptions());
        Admit(policy, Replay, T, T + 1, T + 2);

        var (times, rejected) = Admit(policy, Replay, T + 3, T + 5 * 365 * 24 * Hour, T + 4);

        Assert.Equal([T + 3, T + 4], times);
        Assert.Equal(1, rejected);
        Assert.Equal(T + 4, policy.NewestAcceptedMs);
    }

    [Fact]
    public void A_jump_confirmed_by_consecutive_lines_is_taken_with_every_held_line_even_across_batches()
    {
        var policy = new TimePlausibility(new ClockOptions { JumpConfirmLines = 3 });
        Admit(policy, Replay, T, T + 1, T + 2);
        var later = T + 72 * Hour;

        Assert.Equal([T + 3], Admit(policy, Replay, T + 3, later).Times);
        Assert.Empty(Admit(policy, Replay, later + 1).Times);
        var (times, rejected) = Admit(policy, Replay, later + 2, later + 3);

        Assert.Equal([later, later + 1, later + 2, later + 3], times);
        Assert.Equal(0, rejected);
    }

    [Fact]
    public void An_outlier_first_line_is_rejected_once_the_following_lines_agree_elsewhere()
    {
        var policy = new TimePlausibility(new ClockOptions());
        var farAhead = T + 3 * 365 * 24 * Hour;

        var (times, rejected) = Admit(policy, Replay, farAhead, T, T + 1, T + 2);

        Assert.Equal([T, T + 1, T + 2], times);
        Assert.Equal(1, rejected);
    }

    [Fact]
    public void Live_lines_near_the_wall_clock_need_no_confirmation_and_backlog_is_never_held()
    {
        var policy = new TimePlausibility(new ClockOptions());

        var (times, rejected) = Admit(policy, T, T - 7 * 24 * Hour, T - 1, T);

        Assert.Equal([T - 7 * 24 * Hour, T - 1, T], times);
        Assert.Equal(0, rejected);
        Assert.Equal(0, policy.HeldCount);
    }

    [Fact]
    public void Live_lines_older_than_the_age_limit_are_rejected()
    {
        var policy = new TimePlausibility(new ClockOptions { MaxAgeDays = 30 });

        var (times, rejected) = Admit(policy, T, T - 31 * 24 * Hour, T - 29 * 24 * Hour);

        Assert.Equal([T - 29 * 24 * Hour], times);
        Assert.Equal(1, rejected);
    }

    [Fact]
    public void The_end_of_a_replay_keeps_held_lines_of_a_stream_that_never_had_a_reference_and_rejects_an_unconfirmed_jump()
    {
        var tiny = new TimePlausibility(new ClockOptions());
        Admit(tiny, Replay, T, T + 1);
        var released = tiny.Finish(out var rejectedTiny);
        Assert.Equal([T, T + 1], Times(released));
        Assert.Equal(0, rejectedTiny);

        var jumped = new TimePlausibility(new ClockOptions());
        Admit(jumped, Replay, T, T + 1, T + 2, T + 48 * Hour);
        Assert.Equal(0, jumped.Finish(out var rejectedJump).Count);
        Assert.Equal(1, rejectedJump);
    }

    [Fact]
    public void A_filtered_batch_drops_the_counts_worked_out_on_the_parse_thread_so_none_is_misaligned()
    {
        var policy = new TimePlausibility(new ClockOptions());
        var batch = Batch(T, 0, T + 1).Classify();

        var admitted = policy.Admit(batch, T, out _);

        Assert.Equal([T, T + 1], Times(admitted));
        Assert.Null(admitted.Counts); // the coordinator works them out itself for such a batch
    }

    [Fact]
    public void With_the_jump_check_off_only_the_years_apply()
    {
        var policy = new TimePlausibility(new ClockOptions { MaxForwardJumpHours = 0 });
        var batch = Batch(T, T + 10 * 365 * 24 * Hour, T + 1);

        var admitted = policy.Admit(batch, Replay, out var rejected);

        Assert.Same(batch, admitted);
        Assert.Equal(0, rejected);
    }
}
