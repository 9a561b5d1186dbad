using System.Globalization;
using System.Net.Http.Headers;
using Detector.Configuration;
using Microsoft.Extensions.Logging;
using Polly.Timeout;

namespace Detector.Alerts;

/// <summary>
/// Posts the event webhook's outbox, one event at a time in audit order, signed (<see cref="WebhookSignature"/>).
/// Retries, backoff and timeouts live in the HTTP client's resilience pipeline; a failure is counted and logged with
/// the host only, and the next event goes on.
/// </summary>
public sealed class EventWebhookDelivery(
    Outbox<EventWebhookMessage> outbox,
    IHttpClientFactory clients,
    WebhookAddress webhook,
    string secret,
    EventWebhookOptions options,
    EventWebhookStats stats,
    TimeProvider clock,
    ILogger<EventWebhookDelivery> logger) : OutboxDelivery<EventWebhookMessage>(outbox, options.ShutdownDrainSeconds, logger)
{
    public const string ClientName = "detector-event-webhook";

    protected override string Peer => $"the event webhook at {webhook.Host}";

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("Ban events ({Actions}) go to the webhook at {WebhookHost} (queue {Capacity})",
            string.Join(",", options.EffectiveActions), webhook.Host, outbox.Capacity);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task SendAsync(EventWebhookMessage message, CancellationToken cancellationToken)
    {
        var client = clients.CreateClient(ClientName);
        try
        {
            // Signed at sending: a receiver may refuse an old timestamp, and the resilience pipeline's retries resend
            // this very request (same body, same delivery id) within the total timeout.
            var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
            using var content = new ByteArrayContent(message.Body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Uri) { Content = content };
            request.Headers.Add(WebhookSignature.EventHeader, message.Action);
            request.Headers.Add(WebhookSignature.DeliveryHeader, message.DeliveryId);
            request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, timestamp, message.Body));
            using var response = await client.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                stats.AddSent();
                return;
            }
            Failed(message, $"HTTP {(int)response.StatusCode}");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException or OperationCanceledException)
        {
            Failed(message, e.GetType().Name);
        }
    }

    protected override string Describe(EventWebhookMessage message) => message.ToString();

    protected override void CountDropped() => stats.AddDropped();

    private void Failed(EventWebhookMessage message, string error)
    {
        stats.AddFailed(error, clock.GetUtcNow());
        logger.LogWarning("Event {Event} not delivered to the webhook at {WebhookHost}: {Error}", message, webhook.Host, error);
    }
}
