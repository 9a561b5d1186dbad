namespace Detector.Alerts;

/// <summary>Slack messages waiting for the webhook (<see cref="Outbox{TMessage}"/>); its depth and drops show in
/// <see cref="SlackDeliveryStats"/>.</summary>
public sealed class SlackOutbox : Outbox<SlackMessage>
{
    public SlackOutbox(int capacity, SlackDeliveryStats stats) : base(capacity, stats.AddDropped) =>
        stats.QueueDepth = () => Count;
}
