using System.Globalization;
using Detector.Baseline;
using Detector.Detection;
using Detector.Enforcement;
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
}

/// <summary>Factories so callers never hand-assemble audit lines.</summary>
public sealed partial record AuditEvent
{
    /// <summary>Placeholder for a field that does not apply (subject of BASELINE, duration of ALERT).</summary>
    public const string None = "-";

    public static AuditEvent Ban(IpBanned e) =>
        new(e.At, AuditAction.Ban, e.Ip.ToString(), e.Condition, e.Rate, MeanStd(e.Mean, e.Std), DurationText(e.ExpiresAt - e.At));

    /// <summary>Duration is the length of the ban being lifted (null = it was permanent); rate/mean/std are the
    /// IP's figures at unban time.</summary>
    public static AuditEvent Unban(IpUnbanned e, long? originalDurationSeconds, double rate, double mean, double std) =>
        new(e.At, AuditAction.Unban, e.Ip.ToString(), e.Reason, rate, MeanStd(mean, std), DurationText(originalDurationSeconds));

    /// <summary>The verdict that would have banned an exempt IP; the last field says why it is exempt.</summary>
    public static AuditEvent Allowlisted(IpVerdict v, long at, BanExemption exemption) =>
        new(at, AuditAction.Allowlisted, v.Ip.ToString(), v.Condition, v.Rate, MeanStd(v.Mean, v.Std), exemption.AuditReason);

    /// <summary>"lines_after_ban=N"; the rate is those lines over the seconds since the ban, the duration the ban's.</summary>
    public static AuditEvent BanIneffective(IneffectiveBan b, double mean, double std) =>
        new(b.At, AuditAction.BanIneffective, b.Ip.ToString(),
            string.Create(CultureInfo.InvariantCulture, $"lines_after_ban={b.LinesAfterBan}"),
            b.Rate, MeanStd(mean, std), DurationText(b.ExpiresAt - b.BannedAt));

    public static AuditEvent Alert(GlobalAlert a) =>
        new(a.Second, AuditAction.Alert, "global", a.Condition, a.Rate, MeanStd(a.Mean, a.Std), None);

    /// <summary>"mean=12.9 std=5.8 err=0.031 slot=14h"; the slot is the snapshot's own label ("-" if it has none).</summary>
    public static AuditEvent BaselineRecomputed(BaselineSnapshot b, double currentRate) =>
        new(b.ComputedAtSecond, AuditAction.Baseline, None, "recompute", currentRate,
            string.Create(CultureInfo.InvariantCulture,
                $"mean={b.Mean:F1} std={b.Std:F1} err={b.ErrorRate:F3} slot={(string.IsNullOrEmpty(b.Slot) ? None : b.Slot)}"),
            None);
}
