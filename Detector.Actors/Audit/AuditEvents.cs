using System.Globalization;
using Detector.Domain;

namespace Detector.Audit;

/// <summary>The audit actions (docs/architecture.md, contracts: audit line).</summary>
public static class AuditAction
{
    public const string Ban = "BAN";
    public const string Unban = "UNBAN";
    public const string Baseline = "BASELINE";
    public const string Alert = "ALERT";
    /// <summary>An anomaly from an address that is never banned (loopback, this host, allowlist, trusted proxy).</summary>
    public const string Allowlisted = "ALLOWLISTED";
    /// <summary>Lines kept arriving from a banned IP after the grace period: the ban misses its traffic.</summary>
    public const string BanIneffective = "BAN_INEFFECTIVE";
    /// <summary>A firewall command failed after its retries; the ledger keeps the desired state.</summary>
    public const string BanFailed = "BAN_FAILED";
    public const string UnbanFailed = "UNBAN_FAILED";
    public const string ReconcileFailed = "RECONCILE_FAILED";
    /// <summary>A ban of an address that is never banned (unspecified, multicast, this host, allowlist, …) was refused:
    /// an operator's, or one stored in the ledger, which is lifted.</summary>
    public const string BanRefused = "BAN_REFUSED";
    /// <summary>A network banned as one entry (range decision), with the addresses that led to it.</summary>
    public const string BanRange = "BAN_RANGE";
    public const string UnbanRange = "UNBAN_RANGE";

    /// <summary>The action an event is audited (and configured, e.g. <c>Detector:Slack:Actions</c>) under.</summary>
    public static string Of(DetectorEvent e) => e switch
    {
        BanImposed => Ban,
        BanLifted => Unban,
        BaselineRecomputed => Baseline,
        GlobalAlertRaised => Alert,
        AccountAttacked => Alert,
        AnomalyAllowlisted => Allowlisted,
        Domain.BanIneffective => BanIneffective,
        Domain.BanRefused or RangeBanRefused => BanRefused,
        RangeBanImposed => BanRange,
        RangeBanLifted => UnbanRange,
        FirewallFailed { Operation: FirewallOperation.Ban } => BanFailed,
        FirewallFailed { Operation: FirewallOperation.Unban } => UnbanFailed,
        FirewallFailed => ReconcileFailed,
        _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "not a detector event"),
    };
}

/// <summary>The audit line of each domain event: the one place a <see cref="DetectorEvent"/> becomes an
/// <see cref="AuditEvent"/> (docs/architecture.md, "Contracts"; the format is fixed, tests hold it byte for byte).</summary>
public sealed partial record AuditEvent
{
    /// <summary>Placeholder for a field that does not apply (subject of BASELINE, duration of ALERT).</summary>
    public const string None = "-";

    public static AuditEvent Of(DetectorEvent e) => e switch
    {
        BanImposed b => new(b.At, AuditAction.Ban, b.Ip.ToString(), b.Condition, b.Rate, MeanStd(b.Mean, b.Std), DurationText(b.DurationSeconds)),
        // Duration is the length of the ban being lifted; rate/mean/std are the IP's figures at unban time.
        BanLifted u => new(u.At, AuditAction.Unban, u.Ip.ToString(), u.Reason, u.Rate, MeanStd(u.Mean, u.Std), DurationText(u.BanDurationSeconds)),
        // The verdict that would have banned an exempt IP; the last field says why it is exempt.
        AnomalyAllowlisted a => new(a.At, AuditAction.Allowlisted, a.Verdict.Ip.ToString(), a.Verdict.Condition, a.Verdict.Rate,
            MeanStd(a.Verdict.Mean, a.Verdict.Std), a.Exemption),
        // The rate is the lines after the ban over the seconds since; the duration the ban's.
        BanIneffective i => new(i.At, AuditAction.BanIneffective, i.Ip.ToString(),
            string.Create(CultureInfo.InvariantCulture, $"lines_after_ban={i.LinesAfterBan}"),
            i.Rate, MeanStd(i.Mean, i.Std), DurationText(i.BanDurationSeconds)),
        // Where the refused ban came from; the last field says why the address is exempt.
        BanRefused r => new(r.At, AuditAction.BanRefused, r.Ip.ToString(), r.Source == BanSource.Manual ? "manual" : "ledger", 0, None, r.Exemption),
        // A range: the rule that fired and the addresses that led to it; rate 0.0 (the members' traffic was judged each on its own).
        RangeBanImposed rb => new(rb.At, AuditAction.BanRange, rb.Range.ToString(), rb.Condition + " " + MembersText(rb.Members), 0,
            MeanStd(rb.Mean, rb.Std), DurationText(rb.DurationSeconds)),
        RangeBanLifted ru => new(ru.At, AuditAction.UnbanRange, ru.Range.ToString(), ru.Reason + " " + MembersText(ru.Members), 0,
            MeanStd(ru.Mean, ru.Std), DurationText(ru.BanDurationSeconds)),
        // Where the refused range came from and its members; the last field says which exemption it would cover.
        RangeBanRefused rr => new(rr.At, AuditAction.BanRefused, rr.Range.ToString(),
            (rr.Source == BanSource.Range ? "range" : "ledger") + " " + MembersText(rr.Members), 0, None, rr.Exemption),
        GlobalAlertRaised g => new(g.At, AuditAction.Alert, "global", g.Condition, g.Rate, MeanStd(g.Mean, g.Std), None),
        // The subject is the account's pseudonym (what its campaign's bans name); the last field the name itself,
        // quoted and escaped, or "withheld" in messages that leave the host.
        AccountAttacked a => new(a.At, AuditAction.Alert, "account:" + a.AccountId, a.Condition, a.Rate,
            string.Create(CultureInfo.InvariantCulture,
                $"failures={a.Failures} addresses={a.Addresses} networks={a.Networks} max_per_address={a.MaxPerAddress}"),
            a.Account is null ? "user=withheld" : "user=" + AccountNames.ForAudit(a.Account)),
        BaselineRecomputed r => BaselineLine(r.Snapshot, r.Rate),
        FirewallFailed f => new(f.At, AuditAction.Of(f), f.Ip?.ToString() ?? None, f.Condition, 0, None,
            f.Operation == FirewallOperation.Ban ? DurationText(f.BanDurationSeconds) : None),
        _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "not a detector event"),
    };

    /// <summary>Addresses shown on a range's line at most; the rest are counted ("+12").</summary>
    public const int MaxMembersShown = 8;

    /// <summary>"members=2001:db8::5,2001:db8::6,2001:db8::7", at most <see cref="MaxMembersShown"/> then "+N"; "members=-"
    /// for none (a churning network judged as one client). Parsed addresses only, never log text.</summary>
    public static string MembersText(IReadOnlyList<IpKey> members)
    {
        if (members.Count == 0) return "members=" + None;
        var text = "members=" + string.Join(',', members.Take(MaxMembersShown));
        return members.Count > MaxMembersShown
            ? text + string.Create(CultureInfo.InvariantCulture, $",+{members.Count - MaxMembersShown}")
            : text;
    }

    /// <summary>"mean=12.9 std=5.8 err=0.031 slot=14h"; the slot is the snapshot's own label ("-" if it has none).</summary>
    private static AuditEvent BaselineLine(BaselineSnapshot b, double currentRate) =>
        new(b.ComputedAtSecond, AuditAction.Baseline, None, "recompute", currentRate,
            string.Create(CultureInfo.InvariantCulture,
                $"mean={b.Mean:F1} std={b.Std:F1} err={b.ErrorRate:F3} slot={(string.IsNullOrEmpty(b.Slot) ? None : b.Slot)}"),
            None);
}
