namespace Detector.Enforcement.Firewall;

/// <summary>What the status API shows of the firewall. Written by the firewall actor, read from any thread. Several
/// backends' are shown as one (<see cref="Combine"/>).</summary>
public sealed class FirewallStats
{
    private readonly IReadOnlyList<FirewallStats>? _parts;
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

    private FirewallStats(IReadOnlyList<FirewallStats> parts)
    {
        _parts = parts;
        Backend = string.Join(',', parts.Select(p => p.Backend));
    }

    /// <summary>One backend's own, or a read-only view of several: backends "ipset,nginx", counts summed, the size the
    /// largest (each holds the same bans), the latest error and reconcile.</summary>
    public static FirewallStats Combine(IReadOnlyList<FirewallStats> parts) => parts.Count == 1 ? parts[0] : new FirewallStats(parts);

    public string Backend { get; }

    public void CountApplied(int count = 1)
    {
        lock (_gate) _applied += count;
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
        if (_parts is not null)
        {
            var all = _parts.Select(p => p.Snapshot()).ToList();
            var lastError = all.Where(s => s.LastErrorAt is not null).MaxBy(s => s.LastErrorAt);
            return new FirewallStatsSnapshot(Backend, all.Sum(s => s.Applied), all.Sum(s => s.Failures), lastError?.LastError,
                lastError?.LastErrorAt, all.Max(s => s.SetSize), all.Sum(s => s.Reconciles), all.Sum(s => s.LastReconcileAdded),
                all.Sum(s => s.LastReconcileRemoved), all.Max(s => s.LastReconcileAt));
        }
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
