namespace Detector.Metrics;

/// <summary>
/// Figures of the side-effect features (Slack delivery, firewall, reconcile) for /api/status and /metrics.
/// One singleton; each feature writes its own figures, the HTTP side only reads. Thread-safe.
/// </summary>
public sealed class OperationalCounters
{
    private long _webhookFailures;
    private long _alertsDropped;
    private long _firewallApplied;
    private long _firewallFailures;
    private long _firewallSetSize;
    private long _reconcileDrift;
    private string? _firewallBackend;

    /// <summary>Webhook deliveries that failed (after retries).</summary>
    public long WebhookFailures => Interlocked.Read(ref _webhookFailures);
    /// <summary>Alerts dropped because the delivery queue was full.</summary>
    public long AlertsDropped => Interlocked.Read(ref _alertsDropped);
    /// <summary>Firewall commands that succeeded.</summary>
    public long FirewallApplied => Interlocked.Read(ref _firewallApplied);
    /// <summary>Firewall commands that failed (after retries).</summary>
    public long FirewallFailures => Interlocked.Read(ref _firewallFailures);
    /// <summary>Entries in Detector's firewall set, as last read from the kernel.</summary>
    public long FirewallSetSize => Interlocked.Read(ref _firewallSetSize);
    /// <summary>Differences between the ledger and the firewall found by the last reconcile.</summary>
    public long ReconcileDrift => Interlocked.Read(ref _reconcileDrift);
    /// <summary>The firewall backend in use (null until the firewall side says; the API then shows the configured name).</summary>
    public string? FirewallBackend => Volatile.Read(ref _firewallBackend);

    public void AddWebhookFailure() => Interlocked.Increment(ref _webhookFailures);
    public void AddAlertDropped() => Interlocked.Increment(ref _alertsDropped);
    public void AddFirewallApplied() => Interlocked.Increment(ref _firewallApplied);
    public void AddFirewallFailure() => Interlocked.Increment(ref _firewallFailures);
    public void SetFirewallSetSize(long entries) => Interlocked.Exchange(ref _firewallSetSize, entries);
    public void SetReconcileDrift(long differences) => Interlocked.Exchange(ref _reconcileDrift, differences);
    public void SetFirewallBackend(string name) => Volatile.Write(ref _firewallBackend, name);
}
