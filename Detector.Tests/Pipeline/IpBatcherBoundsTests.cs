using Detector.Configuration;
using Detector.Detection;
using Detector.Domain;
using Detector.Ingest;
using Detector.Pipeline;
using Detector.Tests.Detection;

namespace Detector.Tests.Pipeline;

/// <summary>The batcher's caps under address churn: how many tracks it keeps, which it evicts first, which never,
/// and which entities it creates (issue 10, item 2).</summary>
public sealed class IpBatcherBoundsTests
{
    private const long Start = 1_777_471_200; // 2026-04-29T14:00:00Z, a minute's start
    private static readonly BaselineSnapshot Baseline = Baselines.Ip(1, 1);
    private static readonly Func<IpKey, bool> NobodyBanned = _ => false;

    private static IpKey V6(int i) => IpKey.Parse($"2001:db8::{i:x}");

    private static void Send(IpBatcher batcher, IpKey ip, long second, int requests)
    {
        for (var i = 0; i < requests; i++)
        {
            var entry = new AccessLogEntry(ip, second * 1000 + i % 1000, "GET", "/index.php", 200, 512, "ua");
            batcher.Add(entry, SecondCounts.Of(entry), PathKey.Of(entry.Path), second);
        }
    }

    /// <summary>Requests in a window that put an address within half of the lowest firing bound, not over it.</summary>
    private static int NearThreshold(DetectionOptions options)
    {
        var hot = (int)Math.Floor(IpRule.LowestFiringRate(Baseline, options, siteSurge: true) * options.WindowSeconds);
        return hot / 2 + 1;
    }

    [Fact]
    public void Over_the_cap_tracks_are_evicted_idle_longest_first_then_fewest_requests_down_to_three_quarters()
    {
        var options = new DetectionOptions { MaxTrackedAddresses = 100 };
        var batcher = new IpBatcher(options, live: false, Baseline);
        // 60 addresses seen at second 0 (the busier half with 2 requests), 41 at second 1: 101 > 100.
        for (var i = 0; i < 60; i++) Send(batcher, V6(i), Start, i < 30 ? 1 : 2);
        batcher.CloseSecond(Start, NobodyBanned, false);
        for (var i = 60; i < 101; i++) Send(batcher, V6(i), Start + 1, 1);
        batcher.CloseSecond(Start + 1, NobodyBanned, false);

        Assert.Equal(75, batcher.Count);
        Assert.Equal(26, batcher.EvictedCount);
        // The 26 evicted are the oldest and, among them, the lightest: addresses 0..25. Seen again, they start afresh.
        Send(batcher, V6(25), Start + 2, 1);
        Send(batcher, V6(26), Start + 2, 1);
        batcher.CloseSecond(Start + 2, NobodyBanned, false);
        Assert.Equal(1, batcher.NewClientsInClosedSecond);
    }

    [Fact]
    public void Banned_and_near_threshold_addresses_are_never_evicted_even_when_the_cap_cannot_be_kept()
    {
        var options = new DetectionOptions { MaxTrackedAddresses = 100 };
        var batcher = new IpBatcher(options, live: false, Baseline);
        var banned = V6(1000);
        var near = V6(1001);
        Send(batcher, banned, Start, 1);
        Send(batcher, near, Start, NearThreshold(options));
        batcher.CloseSecond(Start, ip => ip == banned, false);
        batcher.TakeDue();
        for (var i = 0; i < 200; i++) Send(batcher, V6(i), Start + 1, 1);
        batcher.CloseSecond(Start + 1, ip => ip == banned, false);

        // 75 kept: the two protected ones, and the 73 lightest of the newest.
        Assert.Equal(75, batcher.Count);
        Send(batcher, banned, Start + 2, 1);
        Send(batcher, near, Start + 2, 1);
        batcher.CloseSecond(Start + 2, ip => ip == banned, false);
        Assert.Equal(0, batcher.NewClientsInClosedSecond);
    }

    [Fact]
    public void Evicted_tracks_name_their_entity_for_passivation_only_when_one_exists()
    {
        var options = new DetectionOptions { MaxTrackedAddresses = 100 };
        var batcher = new IpBatcher(options, live: false, Baseline);
        var withEntity = V6(5000);
        Send(batcher, withEntity, Start, 1);
        batcher.CloseSecond(Start, ip => ip == withEntity, false); // banned: its traffic goes at once
        batcher.TakeDue();
        Assert.Equal(1, batcher.EntityCount);
        for (var i = 0; i < 120; i++) Send(batcher, V6(i), Start + 1, 1);
        // No longer banned (unbanned): an ordinary idle track now, the oldest of all.
        batcher.CloseSecond(Start + 1, NobodyBanned, false);

        Assert.Equal([withEntity], batcher.TakeEvictedEntities());
        Assert.Equal(0, batcher.EntityCount);
        Assert.False(batcher.HasEvictedEntities);
    }

    [Fact]
    public void Live_minute_refresh_creates_entities_only_within_budget_but_always_for_known_and_near_threshold_addresses()
    {
        var options = new DetectionOptions { MaxIpEntities = 10 };
        var batcher = new IpBatcher(options, live: true, Baseline);
        var near = V6(9999);
        for (var i = 0; i < 50; i++) Send(batcher, V6(i), Start, 1);
        Send(batcher, near, Start, NearThreshold(options));
        List<IpKey> DueUntil(long from, long to)
        {
            var due = new List<IpKey>();
            for (var second = from; second <= to; second++)
            {
                batcher.CloseSecond(second, NobodyBanned, false);
                due.AddRange(batcher.TakeDue().Select(b => b.Ip));
            }
            return due;
        }

        var first = DueUntil(Start, Start + 59);
        Assert.Equal(11, first.Count); // 10 within budget, and the near-threshold one beyond it
        Assert.Contains(near, first);
        Assert.Equal(11, batcher.EntityCount);

        // The next minute: the addresses with entities are refreshed; nobody new while over budget.
        foreach (var ip in first) Send(batcher, ip, Start + 61, 1);
        Send(batcher, V6(40), Start + 61, 1);
        Assert.True(DueUntil(Start + 60, Start + 119).ToHashSet().SetEquals(first));
        Assert.Equal(11, batcher.EntityCount);
    }

    [Fact]
    public void Idle_tracks_dropped_at_a_minute_end_name_only_the_entities_that_exist()
    {
        var batcher = new IpBatcher(new DetectionOptions(), live: false, Baseline);
        var banned = V6(1);
        Send(batcher, banned, Start, 1);
        Send(batcher, V6(2), Start, 1);
        batcher.CloseSecond(Start, ip => ip == banned, false);
        batcher.TakeDue();

        var minute = batcher.CloseMinute(Start + 180, NobodyBanned);

        Assert.Equal([banned], minute.Idle);
        Assert.Equal(0, batcher.Count);
        Assert.Equal(0, batcher.EntityCount);
    }
}
