using System.Threading.Channels;

namespace Detector.Alerts;

/// <summary>
/// Messages waiting for the webhook. Bounded: when full, the oldest waiting message is dropped and counted, so a
/// dead webhook costs at most <c>capacity</c> messages of memory and enqueueing never waits.
/// </summary>
public sealed class SlackOutbox
{
    private readonly Channel<SlackMessage> _channel;
    private readonly SlackDeliveryStats _stats;

    public SlackOutbox(int capacity, SlackDeliveryStats stats)
    {
        _stats = stats;
        Capacity = Math.Max(1, capacity);
        _channel = Channel.CreateBounded<SlackMessage>(
            new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => stats.AddDropped());
        stats.QueueDepth = () => _channel.Reader.Count;
    }

    public int Capacity { get; }

    public int Count => _channel.Reader.Count;

    /// <summary>Never waits. After shutdown has closed the outbox the message is dropped (counted).</summary>
    public void Enqueue(SlackMessage message)
    {
        if (!_channel.Writer.TryWrite(message)) _stats.AddDropped();
    }

    internal ChannelReader<SlackMessage> Reader => _channel.Reader;

    /// <summary>No more messages: the reader finishes what is queued.</summary>
    internal void Close() => _channel.Writer.TryComplete();
}
