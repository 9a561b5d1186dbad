using Detector.Ingest;
using Detector.Domain;

namespace Detector.Enforcement;

/// <summary>
/// Plain-typed image of the ledger for Akka.Persistence snapshots, written by
/// <see cref="Persistence.LedgerSerializer"/>. IPs are text, so a snapshot reads the same whatever IpKey becomes.
/// </summary>
public sealed record OffenderLedgerSnapshot(List<OffenderSnapshotEntry> Offenders)
{
    /// <summary>The range records (snapshot format version 2), ordered by network.</summary>
    public IReadOnlyList<RangeRecord> Ranges { get; init; } = [];
}

public sealed record OffenderSnapshotEntry(
    string Ip, int Offences, long FirstSeen, long LastSeen, long? BannedAt, long? ExpiresAt, string LastCondition)
{
    public static OffenderSnapshotEntry From(OffenderRecord r) =>
        new(r.Ip.ToString(), r.Offences, r.FirstSeen, r.LastSeen, r.BannedAt, r.ExpiresAt, r.LastCondition);

    public OffenderRecord ToRecord() =>
        new(IpKey.Parse(Ip), Offences, FirstSeen, LastSeen, BannedAt, ExpiresAt, LastCondition);
}
