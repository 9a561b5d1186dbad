namespace Detector.Configuration;

/// <summary>How an outgoing HTTP message (Slack, the event webhook) is retried: the same knobs for every peer.</summary>
public interface IDeliveryRetryOptions
{
    /// <summary>Retries after the first attempt (5xx, 429, 408, network errors, timeouts), exponential backoff.</summary>
    int MaxRetries { get; }
    double RetryBaseDelaySeconds { get; }
    /// <summary>A 429's Retry-After is honoured up to this long.</summary>
    double MaxRetryAfterSeconds { get; }
    /// <summary>One HTTP attempt; a hanging peer is abandoned after this.</summary>
    double AttemptTimeoutSeconds { get; }
    /// <summary>One message, all attempts and waits included.</summary>
    double TotalTimeoutSeconds { get; }
}
