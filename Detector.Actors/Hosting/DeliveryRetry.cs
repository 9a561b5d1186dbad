using Detector.Domain;
using Detector.Alerts;
using Detector.Configuration;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Detector.Hosting;

/// <summary>The resilience pipeline of every outgoing HTTP peer (Slack, the event webhook): a total timeout, retries
/// with exponential backoff and jitter that honour a capped Retry-After, and a timeout per attempt.</summary>
internal static class DeliveryRetry
{
    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, IDeliveryRetryOptions options,
        Action retried, TimeProvider clock)
    {
        var maxRetryAfter = TimeSpan.FromSeconds(options.MaxRetryAfterSeconds);
        pipeline.AddTimeout(TimeSpan.FromSeconds(options.TotalTimeoutSeconds));
        if (options.MaxRetries > 0)
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(options.RetryBaseDelaySeconds),
                // Retry-After is read here rather than by the strategy so that it is capped.
                ShouldRetryAfterHeader = false,
                DelayGenerator = args => ValueTask.FromResult(RetryAfter.Delay(args.Outcome.Result, clock.GetUtcNow(), maxRetryAfter)),
                OnRetry = _ =>
                {
                    retried();
                    return ValueTask.CompletedTask;
                },
            });
        pipeline.AddTimeout(TimeSpan.FromSeconds(options.AttemptTimeoutSeconds));
    }
}
