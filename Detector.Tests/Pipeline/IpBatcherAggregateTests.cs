using Detector.Configuration;
using Detector.Detection;
using Detector.Domain;
using Detector.Ingest;
using Detector.Pipeline;
using Detector.Tests.Detection;

namespace Detector.Tests.Pipeline;

/// <summary>A churning IPv6 network tracked as one client (issue 10, item 2): past
/// <see cref="DetectionOptions.Ipv6AggregateAfterAddresses"/> tracked addresses of one /64, its new addresses go to one
/// track under the network's address, whose sum can fire; other networks and IPv4 are untouched.</summary>
public sealed class IpBatcherAggregateTests
{
    private const long Start = 1_777_471_200;
    private static readonly BaselineSnapshot Baseline = Baselines.Ip(1, 1);
    private static readonly Func<IpKey, bool> NobodyBanned = _ => false;
    private static readonly IpKey Network = IpKey.Parse("2001:db8:66:1::");

    private static IpKey Member(int i) => IpKey.Parse($"2001:db8:66:1:{i >> 16:x}:{i & 0xffff:x}::1");

    private static IpBatcher NewBatcher(int after = 4, int prefix = 64) =>
        new(new DetectionOptions { Ipv6AggregateAfterAddresses = after }, live: false, Baseline, ipv6AggregatePrefix: prefix);

    private static void Send(IpBatcher batcher, IpKey ip, long second, int requests = 1)
    {
        for (var i = 0; i < requests; i++)
        {
            var entry = new AccessLogEntry(ip, second * 1000 + i % 1000, "GET", "/index.php", 200, 512, "ua");
            batcher.Add(entry, SecondCounts.Of(entry), PathKey.Of(entry.Path), second);
        }
    }

    [Fact]
    public void Past_the_threshold_new_addresses_of_a_network_are_one_track_under_its_address()
    {
        var batcher = NewBatcher();
        for (var i = 0; i < 1000; i++) Send(batcher, Member(i), Start);

        var closed = batcher.CloseSecond(Start, NobodyBanned, false);

        Assert.Equal(5, batcher.Count); // four addresses of their own, then the network
        Assert.True(batcher.IsAggregate(Network));
        Assert.False(batcher.IsAggregate(Member(0)));
        Assert.Equal(996, Assert.Single(closed, s => s.Ip == Network).Counts.Requests);
        // Its sum is far over the firing bound: it goes to its entity now, as one client.
        Assert.Contains(batcher.TakeDue(), b => b.Ip == Network);
    }

    [Fact]
    public void Addresses_tracked_before_keep_their_own_tracks_and_other_networks_and_IPv4_are_untouched()
    {
        var batcher = NewBatcher();
        for (var i = 0; i < 10; i++) Send(batcher, Member(i), Start);
        Send(batcher, Member(2), Start + 1);
        for (var i = 0; i < 10; i++) Send(batcher, IpKey.Parse($"2001:db8:66:2::{i + 1:x}"), Start + 1);
        for (var i = 0; i < 10; i++) Send(batcher, IpKey.Parse($"203.0.113.{i + 1}"), Start + 1);

        var closed = batcher.CloseSecond(Start + 1, NobodyBanned, false);

        Assert.Contains(closed, s => s.Ip == Member(2));
        Assert.Equal(5 + 5 + 10, batcher.Count); // 2001:db8:66:2::/64 aggregates too, from its fifth address on
        Assert.True(batcher.IsAggregate(IpKey.Parse("2001:db8:66:2::")));
        Assert.Equal(2, batcher.AggregateCount);
    }

    [Fact]
    public void Off_without_a_prefix_or_with_zero_addresses()
    {
        foreach (var batcher in new[] { NewBatcher(prefix: 0), NewBatcher(after: 0) })
        {
            for (var i = 0; i < 100; i++) Send(batcher, Member(i), Start);
            batcher.CloseSecond(Start, NobodyBanned, false);
            Assert.Equal((100, 0), (batcher.Count, batcher.AggregateCount));
        }
    }

    [Fact]
    public void An_idle_aggregate_is_dropped_and_the_network_counts_afresh()
    {
        var batcher = NewBatcher();
        for (var i = 0; i < 10; i++) Send(batcher, Member(i), Start);
        batcher.CloseSecond(Start, NobodyBanned, false);
        batcher.TakeDue();

        var later = Start + 60 * 5;
        batcher.CloseMinute(later, NobodyBanned);
        Assert.Equal((0, 0), (batcher.Count, batcher.AggregateCount));

        for (var i = 100; i < 103; i++) Send(batcher, Member(i), later);
        batcher.CloseSecond(later, NobodyBanned, false);
        Assert.Equal((3, 0), (batcher.Count, batcher.AggregateCount));
    }
}
