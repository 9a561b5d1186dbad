using Detector.Detection;
using Detector.Ingest;

namespace Detector.Enforcement;

/// <summary>What the ledger knows of one IP.</summary>
public sealed record OffenderRecord(
    IpKey Ip,
    int Offences,
    long FirstSeen,
    long LastSeen,
    long? BannedAt,
    long? ExpiresAt,
    string LastCondition)
{
    public bool IsBanned => BannedAt is not null;
    public bool IsPermanent => BannedAt is not null && ExpiresAt is null;
}

/// <summary>
/// The desired state: who is banned until when, and each offender's history. Decide* return the events a
/// command produces without changing anything; Apply changes state. Deterministic: events come out sorted.
/// </summary>
public sealed class OffenderLedger
{
    public OffenderLedger(BanLadder ladder, TimeSpan historyRetention) => throw new NotImplementedException();

    public IReadOnlyDictionary<IpKey, OffenderRecord> Offenders => throw new NotImplementedException();

    /// <summary>Active bans ordered by IP.</summary>
    public IEnumerable<OffenderRecord> ActiveBans => throw new NotImplementedException();

    public bool IsBanned(IpKey ip) => throw new NotImplementedException();

    /// <summary>A verdict on an IP not currently banned: one IpBanned with the next ladder step, At = now.
    /// Already banned: nothing.</summary>
    public IReadOnlyList<LedgerEvent> DecideBan(IpVerdict verdict, long now) => throw new NotImplementedException();

    /// <summary>A manual ban (operator): like DecideBan with condition "manual" and the given duration (null = ladder).</summary>
    public IReadOnlyList<LedgerEvent> DecideManualBan(IpKey ip, long now, TimeSpan? duration) => throw new NotImplementedException();

    public IReadOnlyList<LedgerEvent> DecideManualUnban(IpKey ip, long now) => throw new NotImplementedException();

    /// <summary>Bans whose ExpiresAt ≤ now → IpUnbanned(At = ExpiresAt, "expired"), ordered by (ExpiresAt, Ip);
    /// then unbanned offenders whose LastSeen is older than the retention → OffenderForgotten(At = now).</summary>
    public IReadOnlyList<LedgerEvent> DecideExpiries(long now) => throw new NotImplementedException();

    public void Apply(LedgerEvent e) => throw new NotImplementedException();
}
