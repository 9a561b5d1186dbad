using Detector.Detection;
using Detector.Ingest;
using Detector.Domain;
using Detector.Enforcement.Firewall;

namespace Detector.Enforcement;

/// <summary>What the ledger knows of one IP. LastSeen is the time of its last ban or unban event.</summary>
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

/// <summary>What the ledger knows of one banned network (a range decision): its own ladder, and the addresses whose
/// bans led to its latest ban. LastSeen is the time of its last ban or unban event.</summary>
public sealed record RangeRecord(
    BanTarget Range,
    int Offences,
    long FirstSeen,
    long LastSeen,
    long? BannedAt,
    long? ExpiresAt,
    string LastCondition,
    IReadOnlyList<IpKey> Members)
{
    public bool IsBanned => BannedAt is not null;
}

/// <summary>
/// The desired state: who is banned until when, and each offender's history. Decide* return the events a
/// command produces without changing anything; Apply changes state. Deterministic: events come out sorted.
/// </summary>
/// <remarks>
/// State is a plain Dictionary of plain records; the persistent actor snapshots it with <see cref="ToSnapshot"/>
/// and restores it with <see cref="Restore"/> (see <see cref="Persistence.LedgerSerializer"/>).
/// </remarks>
public sealed class OffenderLedger
{
    public const string ManualCondition = "manual";
    public const string ExpiredReason = "expired";
    public const string ManualReason = "manual";
    /// <summary>A stored ban lifted because its address may never be banned (audited as BAN_REFUSED).</summary>
    public const string ExemptReason = "exempt";
    /// <summary>A member's ban ended because its network was banned as one entry (audited on the BAN_RANGE line).</summary>
    public const string FoldedReason = "range";

    /// <summary>The latest expiry kept (9999-12-31T23:59:59Z, the last second a timestamp can show). A stored ban
    /// expiring later (written before durations were bounded) is read as permanent: that is what it meant, and
    /// every reader of the ledger can render it.</summary>
    public const long LatestExpiry = 253_402_300_799;

    private readonly Dictionary<IpKey, OffenderRecord> _offenders = new();
    // Networks banned as one entry (and their history); an address finds its range by masking to each length in use.
    private readonly Dictionary<BanTarget, RangeRecord> _ranges = new();
    private readonly RangeLengths _rangeLengths = new();
    private readonly BanLadder _ladder;

    public OffenderLedger(BanLadder ladder, TimeSpan historyRetention)
    {
        _ladder = ladder ?? throw new ArgumentNullException(nameof(ladder));
        // History must outlive the longest finite tier, or an IP could be forgotten while it climbs the ladder.
        Retention = historyRetention > ladder.LongestFinite ? historyRetention : ladder.LongestFinite;
        RetentionSeconds = (long)Math.Ceiling(Retention.TotalSeconds);
    }

    public BanLadder Ladder => _ladder;

    /// <summary>Effective history retention: the configured one, never shorter than the ladder's longest finite step.</summary>
    public TimeSpan Retention { get; }

    public long RetentionSeconds { get; }

    public IReadOnlyDictionary<IpKey, OffenderRecord> Offenders => _offenders;

    public IReadOnlyDictionary<BanTarget, RangeRecord> Ranges => _ranges;

    /// <summary>Active bans ordered by IP.</summary>
    public IEnumerable<OffenderRecord> ActiveBans => _offenders.Values.Where(r => r.IsBanned).OrderBy(r => r.Ip);

    /// <summary>Active range bans ordered by network.</summary>
    public IEnumerable<RangeRecord> ActiveRanges => _ranges.Values.Where(r => r.IsBanned).OrderBy(r => r.Range);

    /// <summary>The earliest expiry of a timed ban or range ban; null when none. Unordered scan: asked every live second.</summary>
    public long? NextExpiry
    {
        get
        {
            long? next = null;
            foreach (var record in _offenders.Values)
                if (record.IsBanned && record.ExpiresAt is { } expiry && (next is null || expiry < next)) next = expiry;
            foreach (var range in _ranges.Values)
                if (range.IsBanned && range.ExpiresAt is { } expiry && (next is null || expiry < next)) next = expiry;
            return next;
        }
    }

    /// <summary>Banned on its own or covered by a range ban.</summary>
    public bool IsBanned(IpKey ip) => _offenders.TryGetValue(ip, out var r) && r.IsBanned || CoveringRange(ip) is not null;

    /// <summary>The active range ban that covers <paramref name="ip"/>, or null.</summary>
    public RangeRecord? CoveringRange(IpKey ip)
    {
        foreach (var length in _rangeLengths.For(ip.IsV4))
            if (_ranges.TryGetValue(BanTarget.Range(ip, length), out var range) && range.IsBanned) return range;
        return null;
    }

    public bool IsRangeBanned(BanTarget range) => _ranges.TryGetValue(range, out var r) && r.IsBanned;

    /// <summary>A verdict on an IP not currently banned: one IpBanned with the next ladder step, At = now.
    /// Already banned: nothing. History older than the retention counts as forgotten even before
    /// <see cref="DecideExpiries"/> has removed it, so the outcome does not depend on tick timing.</summary>
    public IReadOnlyList<LedgerEvent> DecideBan(IpVerdict verdict, long now) =>
        DecideBan(verdict.Ip, now, null, verdict.Condition, verdict.Rate, verdict.Mean, verdict.Std, useLadder: true);

    /// <summary>A manual ban (operator): like DecideBan with condition "manual" and the given duration (null = ladder).
    /// <see cref="Timeout.InfiniteTimeSpan"/> asks for a permanent ban.</summary>
    public IReadOnlyList<LedgerEvent> DecideManualBan(IpKey ip, long now, TimeSpan? duration)
    {
        if (duration is { } d && d != Timeout.InfiniteTimeSpan && (d <= TimeSpan.Zero || d > BanLadder.MaxDuration))
            throw new ArgumentOutOfRangeException(nameof(duration), duration, $"A manual ban must last from 1 second to {BanLadder.MaxDurationText}.");
        var explicitDuration = duration == Timeout.InfiniteTimeSpan ? null : duration;
        return DecideBan(ip, now, explicitDuration, ManualCondition, 0, 0, 0, useLadder: duration is null);
    }

    public IReadOnlyList<LedgerEvent> DecideManualUnban(IpKey ip, long now) =>
        _offenders.TryGetValue(ip, out var r) && r.IsBanned ? [new IpUnbanned(ip, now, ManualReason)] : [];

    /// <summary>An operator's unban of a range: its members were folded into it, so this ends every ban it held.</summary>
    public IReadOnlyList<LedgerEvent> DecideManualUnban(BanTarget range, long now) =>
        IsRangeBanned(range) ? [new RangeUnbanned(range, now, ManualReason)] : [];

    /// <summary>A network that reached its range rule (<see cref="RangePolicy.Due"/>): one RangeBanned with the range's
    /// next ladder step, then each member's own ban ended (IpUnbanned, reason "range"; its history and offences stay).
    /// Already banned: nothing.</summary>
    public IReadOnlyList<LedgerEvent> DecideRangeBan(RangeCandidate candidate, long now)
    {
        _ranges.TryGetValue(candidate.Range, out var record);
        if (record is { IsBanned: true }) return [];
        var stale = record is not null && record.LastSeen < now - RetentionSeconds;
        var offence = record is null || stale ? 1 : record.Offences + 1;
        var duration = _ladder.DurationFor(offence);
        long? expiresAt = duration is { } d ? now + Math.Max(1, (long)Math.Ceiling(d.TotalSeconds)) : null;
        var events = new List<LedgerEvent>(candidate.Members.Count + 1)
        {
            new RangeBanned(candidate.Range, now, offence, expiresAt, candidate.Condition, candidate.Members),
        };
        foreach (var member in candidate.Members)
            if (_offenders.TryGetValue(member, out var m) && m.IsBanned) events.Add(new IpUnbanned(member, now, FoldedReason));
        return events;
    }

    /// <summary>Active range bans that may no longer be (<paramref name="isExempt"/>: the network came to cover an
    /// exempt address) → RangeUnbanned(At = now, "exempt"), ordered by network.</summary>
    public IReadOnlyList<LedgerEvent> DecideLiftExemptRanges(long now, Func<BanTarget, bool> isExempt)
    {
        List<LedgerEvent>? lifts = null;
        foreach (var range in ActiveRanges)
            if (isExempt(range.Range)) (lifts ??= []).Add(new RangeUnbanned(range.Range, now, ExemptReason));
        return lifts ?? [];
    }

    /// <summary>Active bans of addresses that may never be banned (<paramref name="isExempt"/>) → IpUnbanned(At = now,
    /// "exempt"), ordered by Ip. Their history stays, like any unban's.</summary>
    public IReadOnlyList<LedgerEvent> DecideLiftExempt(long now, Func<IpKey, bool> isExempt)
    {
        List<LedgerEvent>? lifts = null;
        foreach (var ban in ActiveBans)
            if (isExempt(ban.Ip)) (lifts ??= []).Add(new IpUnbanned(ban.Ip, now, ExemptReason));
        return lifts ?? [];
    }

    /// <summary>Bans whose ExpiresAt ≤ now → IpUnbanned(At = ExpiresAt, "expired"), ordered by (ExpiresAt, Ip);
    /// then unbanned offenders whose LastSeen is older than the retention → OffenderForgotten(At = now), ordered
    /// by Ip. A ban expiring in this very call is forgotten too if its expiry is already beyond the retention.</summary>
    public IReadOnlyList<LedgerEvent> DecideExpiries(long now)
    {
        var forgetBefore = now - RetentionSeconds;
        List<IpUnbanned>? unbans = null;
        List<IpKey>? forgotten = null;

        foreach (var r in _offenders.Values)
        {
            long lastSeen;
            if (r.IsBanned)
            {
                if (r.ExpiresAt is not { } expiresAt || expiresAt > now) continue;
                (unbans ??= []).Add(new IpUnbanned(r.Ip, expiresAt, ExpiredReason));
                lastSeen = expiresAt;
            }
            else lastSeen = r.LastSeen;

            if (lastSeen < forgetBefore) (forgotten ??= []).Add(r.Ip);
        }

        List<RangeUnbanned>? rangeUnbans = null;
        List<BanTarget>? rangesForgotten = null;
        foreach (var r in _ranges.Values)
        {
            long lastSeen;
            if (r.IsBanned)
            {
                if (r.ExpiresAt is not { } expiresAt || expiresAt > now) continue;
                (rangeUnbans ??= []).Add(new RangeUnbanned(r.Range, expiresAt, ExpiredReason));
                lastSeen = expiresAt;
            }
            else lastSeen = r.LastSeen;

            if (lastSeen < forgetBefore) (rangesForgotten ??= []).Add(r.Range);
        }

        if (unbans is null && forgotten is null && rangeUnbans is null && rangesForgotten is null) return [];

        var events = new List<LedgerEvent>();
        if (unbans is not null)
        {
            unbans.Sort((a, b) => a.At != b.At ? a.At.CompareTo(b.At) : a.Ip.CompareTo(b.Ip));
            events.AddRange(unbans);
        }
        if (rangeUnbans is not null)
        {
            rangeUnbans.Sort((a, b) => a.At != b.At ? a.At.CompareTo(b.At) : a.Range.CompareTo(b.Range));
            events.AddRange(rangeUnbans);
        }
        if (forgotten is not null)
        {
            forgotten.Sort();
            foreach (var ip in forgotten) events.Add(new OffenderForgotten(ip, now));
        }
        if (rangesForgotten is not null)
        {
            rangesForgotten.Sort();
            foreach (var range in rangesForgotten) events.Add(new RangeForgotten(range, now));
        }
        return events;
    }

    public void Apply(LedgerEvent e)
    {
        switch (e)
        {
            case IpBanned b:
                _offenders.TryGetValue(b.Ip, out var previous);
                // Offence 1 on a known IP means its old history was stale: a fresh start.
                var firstSeen = previous is null || b.Offence == 1 ? b.At : previous.FirstSeen;
                _offenders[b.Ip] = new OffenderRecord(b.Ip, b.Offence, firstSeen, b.At, b.At, Bounded(b.ExpiresAt), b.Condition);
                break;
            case IpUnbanned u:
                // Offences stay so the ladder continues on the next offence.
                if (_offenders.TryGetValue(u.Ip, out var banned))
                    _offenders[u.Ip] = banned with { LastSeen = u.At, BannedAt = null, ExpiresAt = null };
                break;
            case OffenderForgotten f:
                _offenders.Remove(f.Ip);
                break;
            case RangeBanned rb:
                _ranges.TryGetValue(rb.Range, out var previousRange);
                var rangeFirstSeen = previousRange is null || rb.Offence == 1 ? rb.At : previousRange.FirstSeen;
                if (previousRange is null) _rangeLengths.Add(rb.Range);
                _ranges[rb.Range] = new RangeRecord(rb.Range, rb.Offence, rangeFirstSeen, rb.At, rb.At, Bounded(rb.ExpiresAt), rb.Condition, rb.Members);
                break;
            case RangeUnbanned ru:
                if (_ranges.TryGetValue(ru.Range, out var bannedRange))
                    _ranges[ru.Range] = bannedRange with { LastSeen = ru.At, BannedAt = null, ExpiresAt = null };
                break;
            case RangeForgotten rf:
                if (_ranges.Remove(rf.Range)) _rangeLengths.Remove(rf.Range);
                break;
            default:
                throw new ArgumentException($"Unknown ledger event {e.GetType().Name}", nameof(e));
        }
    }

    public void Apply(IEnumerable<LedgerEvent> events)
    {
        foreach (var e in events) Apply(e);
    }

    /// <summary>Every record, ordered by IP.</summary>
    public IReadOnlyList<OffenderRecord> Records => _offenders.Values.OrderBy(r => r.Ip).ToList();

    /// <summary>A plain-typed image for a persistence snapshot, ordered by IP.</summary>
    public OffenderLedgerSnapshot ToSnapshot() =>
        new(_offenders.Values.OrderBy(r => r.Ip).Select(OffenderSnapshotEntry.From).ToList())
        {
            Ranges = _ranges.Values.OrderBy(r => r.Range).ToList(),
        };

    /// <summary>A ledger holding exactly the records of <paramref name="snapshot"/>.</summary>
    public static OffenderLedger Restore(BanLadder ladder, TimeSpan historyRetention, OffenderLedgerSnapshot snapshot)
    {
        var ledger = new OffenderLedger(ladder, historyRetention);
        foreach (var entry in snapshot.Offenders)
        {
            var record = entry.ToRecord();
            ledger._offenders[record.Ip] = record with { ExpiresAt = Bounded(record.ExpiresAt) };
        }
        foreach (var range in snapshot.Ranges)
        {
            ledger._ranges[range.Range] = range with { ExpiresAt = Bounded(range.ExpiresAt) };
            ledger._rangeLengths.Add(range.Range);
        }
        return ledger;
    }

    private static long? Bounded(long? expiresAt) => expiresAt > LatestExpiry ? null : expiresAt;

    private IReadOnlyList<LedgerEvent> DecideBan(
        IpKey ip, long now, TimeSpan? explicitDuration, string condition, double rate, double mean, double std, bool useLadder)
    {
        _offenders.TryGetValue(ip, out var record);
        if (record is { IsBanned: true } || CoveringRange(ip) is not null) return [];

        var stale = record is not null && record.LastSeen < now - RetentionSeconds;
        var offence = record is null || stale ? 1 : record.Offences + 1;
        var duration = useLadder ? _ladder.DurationFor(offence) : explicitDuration;
        long? expiresAt = duration is { } d ? now + Math.Max(1, (long)Math.Ceiling(d.TotalSeconds)) : null;
        return [new IpBanned(ip, now, offence, expiresAt, condition, rate, mean, std)];
    }
}
