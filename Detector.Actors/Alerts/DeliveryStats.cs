namespace Detector.Alerts;

/// <summary>What delivery to one HTTP peer (Slack, the event webhook) did, for the status API and metrics.
/// Thread-safe; registered in DI whether or not the peer is configured.</summary>
public class DeliveryStats
{
    private long _sent;
    private long _failed;
    private long _dropped;
    private long _retried;
    private long _lastFailureUnixMs;
    private volatile string? _lastError;

    /// <summary>A peer is configured and delivery runs.</summary>
    public bool Enabled { get; internal set; }
    /// <summary>Host of the peer's URL (never its path, which may be a secret); null when disabled.</summary>
    public string? WebhookHost { get; internal set; }

    /// <summary>Messages the peer accepted.</summary>
    public long Sent => Interlocked.Read(ref _sent);
    /// <summary>Messages given up on after their retries (or rejected outright, e.g. 404).</summary>
    public long Failed => Interlocked.Read(ref _failed);
    /// <summary>Messages dropped, oldest first, because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);
    /// <summary>HTTP attempts repeated after a 5xx, 429, timeout or network error.</summary>
    public long Retried => Interlocked.Read(ref _retried);
    /// <summary>Messages waiting now.</summary>
    public int Queued => QueueDepth?.Invoke() ?? 0;
    public string? LastError => _lastError;
    public DateTimeOffset? LastFailureAt =>
        Interlocked.Read(ref _lastFailureUnixMs) is var ms and > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    internal Func<int>? QueueDepth { get; set; }

    internal void AddSent() => Interlocked.Increment(ref _sent);
    internal void AddDropped() => Interlocked.Increment(ref _dropped);
    internal void AddRetried() => Interlocked.Increment(ref _retried);

    internal void AddFailed(string error, DateTimeOffset at)
    {
        _lastError = error;
        Interlocked.Exchange(ref _lastFailureUnixMs, at.ToUnixTimeMilliseconds());
        Interlocked.Increment(ref _failed);
    }
}

/// <summary>The event webhook's <see cref="DeliveryStats"/>.</summary>
public sealed class EventWebhookStats : DeliveryStats;
