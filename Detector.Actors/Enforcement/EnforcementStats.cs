namespace Detector.Enforcement;

/// <summary>What the API shows of enforcement beyond the ledger: refused bans and range bans, and whether the ledger's
/// storage is failing. Written by the enforcement actor, read from any thread.</summary>
public sealed class EnforcementStats
{
    private long _refused;
    private long _ranges;
    private volatile LedgerFailure? _ledgerFailure;

    public long RefusedBans => Interlocked.Read(ref _refused);
    /// <summary>Networks banned as one entry (range decisions).</summary>
    public long RangeBans => Interlocked.Read(ref _ranges);

    /// <summary>Set when a ledger write or recovery failed: enforcement has stopped (the daemon exits once the
    /// pipeline notices; /healthz reports it at once).</summary>
    public LedgerFailure? LedgerFailure => _ledgerFailure;

    public void CountRefused() => Interlocked.Increment(ref _refused);
    public void CountRangeBan() => Interlocked.Increment(ref _ranges);
    public void LedgerFailed(string reason) => _ledgerFailure = new LedgerFailure(reason);
}

public sealed record LedgerFailure(string Reason);
