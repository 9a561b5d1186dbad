using Detector.Configuration;
using Detector.Ingest;
using Detector.Ingest.Clock;
using Detector.Tests.Support;
using Detector.Domain;

namespace Detector.Tests.Ingest.Clock;

public class EventClockTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-04-29T14:00:00Z");
    private static readonly long NowMs = Now.ToUnixTimeMilliseconds();

    private static AccessLogEntry[] At(params long[] times) =>
        times.Select(t => new AccessLogEntry(IpKey.Parse("192.0.2.1"), t, "GET", "/", 200, 0, "-")).ToArray();

    private static long Observe(EventClock clock, AccessLogEntry[] entries)
    {
        clock.Observe(new EntryBatch(entries, entries.Length));
        return clock.WatermarkMs;
    }

    [Fact]
    public void Implausible_times_are_turned_down_counted_as_malformed_and_never_move_the_watermark()
    {
        var counters = new IngestCounters();
        counters.AddEntries(4);
        var clock = new EventClock(ClockMode.Live, new ClockOptions(), counters, new ManualTimeProvider(Now));
        var epoch = At(0, 1_000, NowMs - 1_000, NowMs);

        var admitted = clock.Observe(new EntryBatch(epoch, epoch.Length));

        Assert.Equal([NowMs - 1_000, NowMs], admitted.Span.ToArray().Select(e => e.TimeMs));
        Assert.Equal(2, counters.Malformed(MalformedReason.ImplausibleTime));
        Assert.Equal(2, counters.Entries);
        Assert.Equal(NowMs, clock.WatermarkMs);
        Assert.Equal(NowMs, counters.NewestEventMs); // the lag figure never sees a rejected time
    }

    [Fact]
    public void Replay_watermark_is_the_newest_event_time_and_ignores_the_wall_clock()
    {
        var clock = new EventClock(ClockMode.Replay, new ClockOptions(), new IngestCounters(), new ManualTimeProvider(Now));
        var past = NowMs - 86_400_000;

        Assert.Equal(past + 500, Observe(clock, At(past + 200, past + 500, past + 100)));
        Assert.Equal(past + 500, clock.Tick());
        Assert.Equal(past + 500, Observe(clock, At(past)));
    }

    [Fact]
    public void Live_future_dated_lines_are_clamped_to_now_and_counted()
    {
        var counters = new IngestCounters();
        var clock = new EventClock(ClockMode.Live, new ClockOptions { FutureToleranceSeconds = 5 }, counters, new ManualTimeProvider(Now));
        var entries = At(NowMs + 4_000, NowMs + 3_600_000);

        var watermark = Observe(clock, entries);

        Assert.Equal(NowMs + 4_000, entries[0].TimeMs);
        Assert.Equal(NowMs, entries[1].TimeMs);
        Assert.Equal(1, counters.FutureClamped);
        Assert.Equal(NowMs + 4_000, watermark);
    }

    [Fact]
    public void Live_backlog_keeps_its_own_time_until_the_tail_is_idle()
    {
        var wall = new ManualTimeProvider(Now);
        var clock = new EventClock(ClockMode.Live, new ClockOptions(), new IngestCounters(), wall);
        var hourAgo = NowMs - 3_600_000;

        Assert.Equal(hourAgo + 500, Observe(clock, At(hourAgo, hourAgo + 500)));
        Assert.Equal(hourAgo + 500, clock.Tick()); // lines arrived since the last tick: still reading the backlog
        Assert.Equal(hourAgo + 900, Observe(clock, At(hourAgo + 900)));
        Assert.Equal(hourAgo + 900, clock.Tick());
        Assert.Equal(NowMs - EventClock.LiveGraceMs, clock.Tick()); // a whole tick without lines: caught up
    }

    [Fact]
    public void Live_tick_follows_the_wall_clock_behind_a_grace_so_quiet_seconds_close()
    {
        var wall = new ManualTimeProvider(Now);
        var clock = new EventClock(ClockMode.Live, new ClockOptions(), new IngestCounters(), wall);

        Assert.Equal(NowMs - EventClock.LiveGraceMs, clock.Tick());
        wall.Now = Now.AddSeconds(30);
        Assert.Equal(NowMs + 30_000 - EventClock.LiveGraceMs, clock.Tick());
        wall.Now = Now; // a wall clock stepping back never moves event time back
        Assert.Equal(NowMs + 30_000 - EventClock.LiveGraceMs, clock.Tick());
    }
}
