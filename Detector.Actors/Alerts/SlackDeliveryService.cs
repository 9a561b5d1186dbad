using Detector.Configuration;
using Microsoft.Extensions.Logging;

namespace Detector.Alerts;

/// <summary>Delivers the Slack outbox through the webhook sender (<see cref="OutboxDelivery{TMessage}"/>).</summary>
public sealed class SlackDeliveryService(
    SlackOutbox outbox,
    ISlackWebhookSender sender,
    WebhookAddress webhook,
    SlackOptions options,
    SlackDeliveryStats stats,
    ILogger<SlackDeliveryService> logger) : OutboxDelivery<SlackMessage>(outbox, options.ShutdownDrainSeconds, logger)
{
    protected override string Peer => "Slack";

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("Slack alerts go to the webhook at {WebhookHost} (queue {Capacity})", webhook.Host, outbox.Capacity);
        return base.StartAsync(cancellationToken);
    }

    protected override Task SendAsync(SlackMessage message, CancellationToken cancellationToken) => sender.SendAsync(message, cancellationToken);

    protected override string Describe(SlackMessage message) => message.Summary;

    protected override void CountDropped() => stats.AddDropped();
}
