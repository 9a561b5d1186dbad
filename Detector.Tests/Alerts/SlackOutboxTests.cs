using Detector.Alerts;

namespace Detector.Tests.Alerts;

public class SlackOutboxTests
{
    private static SlackMessage Message(int n) => new($"BAN {n}", $"text {n}", "{}");

    [Fact]
    public void A_full_outbox_drops_the_oldest_message_and_counts_it()
    {
        var stats = new SlackDeliveryStats();
        var outbox = new SlackOutbox(3, stats);

        for (var i = 0; i < 10; i++) outbox.Enqueue(Message(i));

        Assert.Equal(3, outbox.Count);
        Assert.Equal(3, stats.Queued);
        Assert.Equal(7, stats.Dropped);
        var left = new List<string>();
        while (outbox.Reader.TryRead(out var m)) left.Add(m.Summary);
        Assert.Equal(["BAN 7", "BAN 8", "BAN 9"], left);
    }

    [Fact]
    public void A_closed_outbox_counts_what_it_turns_away()
    {
        var stats = new SlackDeliveryStats();
        var outbox = new SlackOutbox(3, stats);
        outbox.Close();

        outbox.Enqueue(Message(1));

        Assert.Equal(1, stats.Dropped);
        Assert.Equal(0, outbox.Count);
    }
}
