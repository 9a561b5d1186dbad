namespace Detector.Enforcement;

/// <summary>To the firewall actor: make the kernel match the ledger now. Sent by its own timer every minute and
/// at start; tests send it directly. A sender other than the actor itself gets <see cref="FirewallReconciled"/>
/// or <see cref="FirewallReconcileFailed"/>.</summary>
public sealed record ReconcileFirewall
{
    public static readonly ReconcileFirewall Instance = new();
}

/// <summary>Entries the reconcile added back and removed, and the size of Detector's own set/chain after it.</summary>
public sealed record FirewallReconciled(int Added, int Removed, int Size);

public sealed record FirewallReconcileFailed(string Reason);
