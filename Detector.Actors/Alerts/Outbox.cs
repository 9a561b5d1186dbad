using System.Threading.Channels;

namespace Detector.Alerts;

/// <summary>
/// Messages waiting for an HTTP peer (Slack, the event webhook). Bounded: when full, the oldest waiting message is
/// dropped and counted, so a dead peer costs at most <c>capacity</c> messages of memory and enqueueing never waits.
/// </summary>
public class Outbox<TMessage>
{
    private readonly Channel<TMessage> _channel;
    private readonly Action _dropped;

    public Outbox(int capacity, Action dropped)
    {
        _dropped = dropped;
        Capacity = Math.Max(1, capacity);
        _channel = Channel.CreateBounded<TMessage>(
            new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => dropped());
    }

    public int Capacity { get; }

    public int Count => _channel.Reader.Count;

    /// <summary>Never waits. After shutdown has closed the outbox the message is dropped (counted).</summary>
    public void Enqueue(TMessage message)
    {
        if (!_channel.Writer.TryWrite(message)) _dropped();
    }

    internal ChannelReader<TMessage> Reader => _channel.Reader;

    /// <summary>No more messages: the reader finishes what is queued.</summary>
    internal void Close() => _channel.Writer.TryComplete();
}
