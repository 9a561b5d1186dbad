using Detector.Configuration;
using Detector.Domain;
using Detector.Ingest;
using Detector.IpWindows;
using Detector.Pipeline;
using Detector.Tests.Detection;

namespace Detector.Tests.Pipeline;

public sealed class IpBatcherTests
{
    private static readonly IpKey Ip = IpKey.Parse("192.0.2.1");
    private static readonly BaselineSnapshot Quiet = Baselines.Ip(1, 1);

    private static AccessLogEntry Entry(IpKey ip, long second, int status = 200, string agent = "ua") =>
        new(ip, second * 1000, "GET", "/index.php", status, 512, agent);

    private static void Send(IpBatcher batcher, IpKey ip, long second, int requests, int status = 200)
    {
        for (var i = 0; i < requests; i++)
        {
            var entry = Entry(ip, second, status);
            batcher.Add(entry, SecondCounts.Of(entry), PathKey.Of(entry.Path), second);
        }
    }

    [Theory]
    [InlineData(false, 11)]
    [InlineData(true, 12)]
    [InlineData(false, 13)]
    [InlineData(true, 14)]
    public void Batching_never_delays_a_verdict(bool live, int seed)
    {
        // Reference: every IP's entity sees every second of its traffic. Batched: only what the batcher hands out.
        // Every verdict of the reference must come out of the batched run at the same second, with the same window.
        var random = new Random(seed);
        var verdicts = 0;
        for (var run = 0; run < 10; run++)
        {
            var options = RandomDetectionOptions.Draw(random);
            BaselineSnapshot NewBaseline() => Baselines.Ip(random.NextDouble() * 3, random.NextDouble() * 3, random.NextDouble() * 0.2);
            var baseline = NewBaseline();
            var batcher = new IpBatcher(options, live, baseline);
            var ips = Enumerable.Range(1, 12).Select(i => IpKey.Parse($"198.51.100.{i}")).ToArray();
            var reference = ips.ToDictionary(ip => ip, ip => new IpWindow(ip, options));
            var batched = ips.ToDictionary(ip => ip, ip => new IpWindow(ip, options));
            // Per IP: a base rate, sometimes bursts, an error share.
            var profiles = ips.ToDictionary(ip => ip, _ => (Rate: random.NextDouble() * 1.5, Burst: random.Next(0, 12), Errors: random.NextDouble()));
            var expectations = new Dictionary<IpKey, IpVerdict?>();
            var surge = false;
            const long start = 1_777_471_200;

            for (var second = start; second < start + 900; second++)
            {
                if (random.Next(120) == 0) surge = !surge;
                var active = new List<IpKey>();
                foreach (var ip in ips)
                {
                    var (rate, burst, errorShare) = profiles[ip];
                    var requests = Poisson(random, rate) + (random.Next(40) == 0 ? burst * random.Next(1, 10) : 0);
                    if (requests == 0) continue;
                    active.Add(ip);
                    var counts = default(SecondCounts);
                    for (var i = 0; i < requests; i++)
                    {
                        var status = random.NextDouble() < errorShare ? (random.Next(2) == 0 ? 404 : 401) : 200;
                        var entry = Entry(ip, second, status);
                        counts += SecondCounts.Of(entry);
                        batcher.Add(entry, SecondCounts.Of(entry), PathKey.Of(entry.Path), second);
                    }
                    var expected = reference[ip].Observe([(second, counts)], [], ["ua"], baseline, surge).Verdict;
                    if (expected is not null) verdicts++;
                    expectations[ip] = expected;
                }

                var minuteEnds = (second + 1) % 60 == 0;
                batcher.CloseSecond(second, _ => false, surge);
                var got = new Dictionary<IpKey, IpVerdict?>();
                foreach (var batch in batcher.TakeDue())
                    got[batch.Ip] = batched[batch.Ip].Observe(batch.Seconds, batch.Paths, batch.Agents, baseline, surge).Verdict;
                foreach (var ip in active)
                {
                    if (expectations[ip] is not { } verdict) continue;
                    Assert.True(got.TryGetValue(ip, out var actual), $"run {run}: {ip} held back at {second} though it fires {verdict.Condition}");
                    Assert.Equal(verdict, actual);
                }
                if (minuteEnds)
                {
                    batcher.CloseMinute(second + 1, _ => false);
                    baseline = NewBaseline();
                    batcher.UseBaseline(baseline);
                }
            }
        }
        Assert.True(verdicts > 20, $"only {verdicts} verdicts: the test proves little");
    }

    private static int Poisson(Random random, double mean)
    {
        var limit = Math.Exp(-mean);
        var k = 0;
        for (var p = random.NextDouble(); p > limit; p *= random.NextDouble()) k++;
        return k;
    }

    [Fact]
    public void A_quiet_ip_waits_until_its_replay_queue_is_full()
    {
        var batcher = new IpBatcher(new DetectionOptions(), live: false, Quiet);
        for (var s = 0; s < IpBatcher.MaxPendingSeconds - 1; s++)
        {
            Send(batcher, Ip, s, 1);
            batcher.CloseSecond(s, _ => false, false);
            Assert.False(batcher.HasDue);
        }
        Send(batcher, Ip, IpBatcher.MaxPendingSeconds - 1, 1);
        batcher.CloseSecond(IpBatcher.MaxPendingSeconds - 1, _ => false, false);

        var batch = Assert.Single(batcher.TakeDue());
        Assert.Equal(IpBatcher.MaxPendingSeconds, batch.Seconds.Length);
        Assert.Equal(["ua"], batch.Agents);
    }

    [Fact]
    public void Live_each_ip_with_queued_seconds_goes_a_minute_after_its_own_start_so_refreshes_spread_over_the_minute()
    {
        var batcher = new IpBatcher(new DetectionOptions(), live: true, Quiet);
        var other = IpKey.Parse("192.0.2.2");
        Send(batcher, Ip, 10, 1);
        batcher.CloseSecond(10, _ => false, false);
        Send(batcher, other, 35, 1);
        batcher.CloseSecond(35, _ => false, false);
        Assert.False(batcher.HasDue);

        var due = new List<(long Second, IpKey Ip)>();
        for (var second = 36L; second < 200; second++)
        {
            if (second == 100) Send(batcher, Ip, second, 1);
            batcher.CloseSecond(second, _ => false, false);
            foreach (var batch in batcher.TakeDue()) due.Add((second, batch.Ip));
        }

        // Each at its own second of the minute (not all at second 59), and again a minute later with new traffic only.
        Assert.Equal([(69, Ip), (94, other), (129, Ip)], due);
    }

    [Fact]
    public void A_banned_ip_goes_every_second_and_is_reported_banned()
    {
        var batcher = new IpBatcher(new DetectionOptions(), live: false, Quiet);
        Send(batcher, Ip, 10, 1);

        var closed = batcher.CloseSecond(10, ip => ip == Ip, false);

        Assert.Equal([new IpSecond(Ip, new SecondCounts(1, 0, 0, 0), Banned: true)], closed);
        Assert.Single(batcher.TakeDue());
    }

    [Fact]
    public void A_flood_goes_at_once()
    {
        var batcher = new IpBatcher(new DetectionOptions(), live: false, Quiet);
        Send(batcher, Ip, 10, 500);

        batcher.CloseSecond(10, _ => false, false);

        Assert.Equal(500, Assert.Single(batcher.TakeDue()).Seconds.Single().Counts.Requests);
    }

    [Fact]
    public void Live_early_flush_takes_a_hot_open_second_and_leaves_it_open()
    {
        var batcher = new IpBatcher(new DetectionOptions(), live: true, Quiet);
        Send(batcher, Ip, 10, 500);

        var flushed = batcher.FlushHotOpen(10, _ => false, false);

        Assert.Equal(500, Assert.Single(flushed).Counts.Requests);
        Assert.True(batcher.HasOpenTraffic);
        Assert.Single(batcher.TakeDue());
    }

    [Fact]
    public void Idle_ips_are_dropped_a_window_and_a_minute_after_their_last_request_and_minutes_feed_the_baseline()
    {
        var batcher = new IpBatcher(new DetectionOptions(), live: false, Quiet);
        var other = IpKey.Parse("192.0.2.2");
        Send(batcher, Ip, 30, 3);
        Send(batcher, other, 30, 2);
        batcher.CloseSecond(30, ip => ip == other, false);
        batcher.TakeDue(); // the banned IP's traffic went to its entity; the other's waits (and never goes)

        var first = batcher.CloseMinute(60, ip => ip == other);
        Assert.Equal([3], first.Requests); // the banned IP's minute is not learned
        Assert.Null(first.Idle);
        Assert.Equal(59 + 60, batcher.NextMinuteEnd(60));
        Assert.Null(batcher.CloseMinute(120, _ => false).Idle);

        var third = batcher.CloseMinute(180, _ => false);

        // Both tracks are dropped; only the one whose entity exists names it for passivation.
        Assert.Equal([other], third.Idle);
        Assert.Equal(0, batcher.Count);
        Assert.Equal(long.MaxValue, batcher.NextMinuteEnd(180));
    }
}
