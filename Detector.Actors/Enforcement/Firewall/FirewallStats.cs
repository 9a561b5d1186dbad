namespace Detector.Enforcement.Firewall;

/// <summary>What the status API shows of the firewall. Written by the firewall actor, read from any thread.</summary>
public sealed class FirewallStats
{
    private readonly object _gate = new();
    private long _applied;
    private long _failures;
    private long _reconciles;
    private string? _lastError;
    private DateTimeOffset? _lastErrorAt;
    private int _setSize;
    private ReconcileResult? _lastReconcile;
    private DateTimeOffset? _lastReconcileAt;

    public FirewallStats(string backend) => Backend = backend;

    public string Backend { get; }

    public void CountApplied()
    {
        lock (_gate) _applied++;
    }

    public void CountFailure(string error, DateTimeOffset at)
    {
        lock (_gate)
        {
            _failures++;
            _lastError = error;
            _lastErrorAt = at;
        }
    }

    public void SetSize(int size)
    {
        lock (_gate) _setSize = size;
    }

    public void Reconciled(ReconcileResult result, DateTimeOffset at)
    {
        lock (_gate)
        {
            _reconciles++;
            _lastReconcile = result;
            _lastReconcileAt = at;
            _setSize = result.Size;
        }
    }

    public FirewallStatsSnapshot Snapshot()
    {
        lock (_gate)
            return new FirewallStatsSnapshot(Backend, _applied, _failures, _lastError, _lastErrorAt, _setSize, _reconciles,
                _lastReconcile?.Added ?? 0, _lastReconcile?.Removed ?? 0, _lastReconcileAt);
    }
}

/// <summary>A consistent copy of <see cref="FirewallStats"/>. Drift: entries the last reconcile had to add back or remove.</summary>
public sealed record FirewallStatsSnapshot(
    string Backend,
    long Applied,
    long Failures,
    string? LastError,
    DateTimeOffset? LastErrorAt,
    int SetSize,
    long Reconciles,
    int LastReconcileAdded,
    int LastReconcileRemoved,
    DateTimeOffset? LastReconcileAt);
