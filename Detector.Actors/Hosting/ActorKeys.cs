namespace Detector.Hosting;

/// <summary>Keys of the actors in the Akka.Hosting registry.</summary>
public sealed class IpWindowRegion;
public sealed class ReplyCollectorActor;
public sealed class EnforcementActorKey;
public sealed class AuditWriterActor;
public sealed class FirewallActorKey;
public sealed class SlackAlertsActor;
