namespace Detector.Alerts;

/// <summary>What Slack delivery did (<see cref="DeliveryStats"/>), plus what the alert policy held back.</summary>
public sealed class SlackDeliveryStats : DeliveryStats
{
    private long _suppressed;
    private long _summarized;

    /// <summary>Alerts not sent because the same alert was sent within the cooldown.</summary>
    public long Suppressed => Interlocked.Read(ref _suppressed);
    /// <summary>Bans reported in a burst summary instead of one message each.</summary>
    public long Summarized => Interlocked.Read(ref _summarized);

    internal void AddSuppressed() => Interlocked.Increment(ref _suppressed);
    internal void AddSummarized(int bans) => Interlocked.Add(ref _summarized, bans);
}
