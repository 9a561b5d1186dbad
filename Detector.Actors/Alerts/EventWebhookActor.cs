using Akka.Actor;
using Detector.Audit;
using Detector.Domain;

namespace Detector.Alerts;

/// <summary>
/// Turns the detector events the audit writer publishes (in audit order) into signed webhook messages in the outbox;
/// which ones is configured by audit action. Never sends HTTP itself: a slow or dead receiver can only fill the
/// bounded outbox, never hold up detection or enforcement.
/// </summary>
public sealed class EventWebhookActor : ReceiveActor
{
    public EventWebhookActor(IReadOnlyCollection<string> actions, string node, Outbox<EventWebhookMessage> outbox, bool includeAccountNames = false)
    {
        var wanted = new HashSet<string>(actions, StringComparer.OrdinalIgnoreCase);
        Receive<DetectorEvent>(e => wanted.Contains(AuditAction.Of(e)),
            e => outbox.Enqueue(EventWebhookMessage.Of(e, node, Guid.NewGuid(), includeAccountNames)));
        Receive<DetectorEvent>(_ => { });
    }

    public static Props Props(IReadOnlyCollection<string> actions, string node, Outbox<EventWebhookMessage> outbox, bool includeAccountNames = false) =>
        Akka.Actor.Props.Create(() => new EventWebhookActor(actions, node, outbox, includeAccountNames));

    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(DetectorEvent));

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);
}
