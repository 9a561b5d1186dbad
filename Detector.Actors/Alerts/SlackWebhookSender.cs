using System.Text;
using Microsoft.Extensions.Logging;
using Polly.Timeout;
using Detector.Configuration;

namespace Detector.Alerts;

/// <summary>Posts one message to the webhook (retries and timeouts live in the HTTP client's resilience
/// pipeline); counts the outcome. Never throws except for cancellation.</summary>
public interface ISlackWebhookSender
{
    /// <returns>true when Slack accepted the message.</returns>
    Task<bool> SendAsync(SlackMessage message, CancellationToken cancellationToken);
}

public sealed class HttpSlackWebhookSender(
    IHttpClientFactory clients,
    WebhookAddress webhook,
    SlackDeliveryStats stats,
    TimeProvider clock,
    ILogger<HttpSlackWebhookSender> logger) : ISlackWebhookSender
{
    public const string ClientName = "detector-slack";
    private const int MaxErrorBodyChars = 200;

    public async Task<bool> SendAsync(SlackMessage message, CancellationToken cancellationToken)
    {
        var client = clients.CreateClient(ClientName);
        try
        {
            using var content = new StringContent(message.Payload, Encoding.UTF8, "application/json");
            using var response = await client.PostAsync(webhook.Uri, content, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                stats.AddSent();
                return true;
            }
            var body = await ShortBodyAsync(response, cancellationToken);
            return Failed(message, $"HTTP {(int)response.StatusCode} {body}".TrimEnd());
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException or OperationCanceledException)
        {
            // Messages of these carry the host at most, never the path.
            return Failed(message, $"{e.GetType().Name}: {e.Message}");
        }
    }

    private bool Failed(SlackMessage message, string error)
    {
        stats.AddFailed(error, clock.GetUtcNow());
        logger.LogWarning("Slack alert {Alert} not delivered to the webhook at {WebhookHost}: {Error}", message.Summary, webhook.Host, error);
        return false;
    }

    private static async Task<string> ShortBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            body = body.ReplaceLineEndings(" ").Trim();
            return body.Length <= MaxErrorBodyChars ? body : body[..MaxErrorBodyChars] + "…";
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return "";
        }
    }
}
