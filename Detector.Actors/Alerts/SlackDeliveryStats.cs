namespace Detector.Alerts;

/// <summary>What Slack delivery did, for the status API and metrics. Thread-safe; registered in DI whether or not
/// a webhook is configured.</summary>
public sealed class SlackDeliveryStats
{
    private long _sent;
    private long _failed;
    private long _dropped;
    private long _retried;
    private long _suppressed;
    private long _summarized;
    private long _lastFailureUnixMs;
    private volatile string? _lastError;

    /// <summary>A webhook is configured and delivery runs.</summary>
    public bool Enabled { get; internal set; }
    /// <summary>Host of the webhook (never its secret path); null when disabled.</summary>
    public string? WebhookHost { get; internal set; }

    /// <summary>Messages Slack accepted.</summary>
    public long Sent => Interlocked.Read(ref _sent);
    /// <summary>Messages given up on after their retries (or rejected outright, e.g. 404).</summary>
    public long Failed => Interlocked.Read(ref _failed);
    /// <summary>Messages dropped, oldest first, because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);
    /// <summary>HTTP attempts repeated after a 5xx, 429, timeout or network error.</summary>
    public long Retried => Interlocked.Read(ref _retried);
    /// <summary>Alerts not sent because the same alert was sent within the cooldown.</summary>
    public long Suppressed => Interlocked.Read(ref _suppressed);
    /// <summary>Bans reported in a burst summary instead of one message each.</summary>
    public long Summarized => Interlocked.Read(ref _summarized);
    /// <summary>Messages waiting now.</summary>
    public int Queued => QueueDepth?.Invoke() ?? 0;
    public string? LastError => _lastError;
    public DateTimeOffset? LastFailureAt =>
        Interlocked.Read(ref _lastFailureUnixMs) is var ms and > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    internal Func<int>? QueueDepth { get; set; }

    internal void AddSent() => Interlocked.Increment(ref _sent);
    internal void AddDropped() => Interlocked.Increment(ref _dropped);
    internal void AddRetried() => Interlocked.Increment(ref _retried);
    internal void AddSuppressed() => Interlocked.Increment(ref _suppressed);
    internal void AddSummarized(int bans) => Interlocked.Add(ref _summarized, bans);

    internal void AddFailed(string error, DateTimeOffset at)
    {
        _lastError = error;
        Interlocked.Exchange(ref _lastFailureUnixMs, at.ToUnixTimeMilliseconds());
        Interlocked.Increment(ref _failed);
    }
}
