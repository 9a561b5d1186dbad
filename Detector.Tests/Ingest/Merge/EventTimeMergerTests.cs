using Detector.Domain;
using Detector.Ingest;
using Detector.Ingest.Merge;

namespace Detector.Tests.Ingest.Merge;

public sealed class EventTimeMergerTests
{
    private static EntryBatch Batch(params long[] seconds) =>
        new(seconds.Select(s => new AccessLogEntry(IpKey.Parse("192.0.2.1"), s * 1000, "GET", "/", 200, 0, "-")).ToArray(), seconds.Length);

    private static long[] Seconds(EntryBatch? batch) => batch is null ? [] : batch.Span.ToArray().Select(e => e.TimeMs / 1000).ToArray();

    [Fact]
    public void Runs_go_out_in_event_time_cut_at_the_other_inputs_next_entry()
    {
        var merger = new EventTimeMerger(2);
        merger.Offer(0, Batch(1, 2, 5, 9));
        Assert.Null(merger.TryTake()); // input 1 could still deliver something earlier
        merger.Offer(1, Batch(3, 4, 10));

        Assert.Equal([1, 2], Seconds(merger.TryTake()));
        Assert.Equal([3, 4], Seconds(merger.TryTake()));
        Assert.Equal([5, 9], Seconds(merger.TryTake()));
        Assert.True(merger.Wants(0));
        Assert.Null(merger.TryTake()); // input 0 must show its next entry first
        merger.Complete(0);
        Assert.Equal([10], Seconds(merger.TryTake()));
        merger.Complete(1);
        Assert.True(merger.IsFinished);
    }

    [Fact]
    public void A_run_cut_from_a_classified_batch_keeps_what_the_parse_thread_worked_out_for_its_entries()
    {
        var entries = new[] { (1L, "/a", 200), (5, "/b?x", 404), (9, "/c", 401) }
            .Select(e => new AccessLogEntry(IpKey.Parse("192.0.2.1"), e.Item1 * 1000, "GET", e.Item2, e.Item3, 0, "-")).ToArray();
        var merger = new EventTimeMerger(2);
        merger.Offer(0, new EntryBatch(entries, entries.Length).Classify());
        merger.Offer(1, Batch(3, 6));

        var first = merger.TryTake()!;
        merger.TryTake();
        var second = merger.TryTake()!;

        Assert.Equal([1], Seconds(first));
        Assert.Equal([SecondCounts.Of(entries[0])], first.Counts);
        Assert.Equal([5], Seconds(second));
        Assert.Equal([SecondCounts.Of(entries[1])], second.Counts);
        Assert.Equal([PathKey.Of("/b?x")], second.PathKeys);
    }

    [Fact]
    public void Failed_logins_from_a_nextcloud_log_merge_with_entries_in_event_time()
    {
        var merger = new EventTimeMerger(2);
        merger.Offer(0, Batch(1, 4, 6));
        merger.Offer(1, EntryBatch.OfLogins(new long[] { 2, 3, 5 }.Select(s => new LoginFailure(s * 1000L, IpKey.Parse("192.0.2.9"), "alice")).ToArray()));

        var runs = new List<EntryBatch>();
        merger.Complete(0);
        merger.Complete(1);
        while (merger.TryTake() is { } run) runs.Add(run);

        Assert.Equal(new long[][] { [1], [2, 3], [4], [5], [6] }, runs.Select(r => Enumerable.Range(0, r.Size).Select(i => r.TimeAt(i) / 1000).ToArray()));
        Assert.Equal([false, true, false, true, false], runs.Select(r => r.Logins is not null));
    }

    [Fact]
    public void A_caught_up_input_does_not_hold_time_back_and_joins_again_when_it_has_lines()
    {
        var merger = new EventTimeMerger(2);
        merger.Offer(1, EntryBatch.CaughtUp);
        merger.Offer(0, Batch(100, 101));

        Assert.Equal([100, 101], Seconds(merger.TryTake()));

        merger.Offer(1, Batch(102));
        merger.Offer(0, Batch(103));
        Assert.Equal([102], Seconds(merger.TryTake()));
        Assert.Null(merger.TryTake()); // input 1 is no longer caught up: its next entry may be earlier than 103
        merger.Offer(1, EntryBatch.CaughtUp);
        Assert.Equal([103], Seconds(merger.TryTake()));
    }

    [Fact]
    public void A_batch_without_entries_changes_nothing()
    {
        var merger = new EventTimeMerger(2);
        merger.Offer(0, new EntryBatch([], 0));
        merger.Offer(1, Batch(7));

        Assert.Null(merger.TryTake());
        Assert.True(merger.Wants(0));
    }
}
