using Detector.Domain;

namespace Detector.Enforcement;

/// <summary>The domain events enforcement publishes, from its ledger events and ban checks. The ledger events stay
/// as they are persisted; these add what the audience needs beside them (the lifted ban's length, the baseline).</summary>
public static class EnforcementDetectorEvents
{
    public static BanImposed ToEvent(this IpBanned e) =>
        new(e.At, e.Ip, e.Offence, e.ExpiresAt, e.Condition, e.Rate, e.Mean, e.Std);

    /// <param name="mean">Per-IP baseline mean at the time.</param>
    /// <param name="std">Per-IP baseline std at the time.</param>
    public static RangeBanImposed ToEvent(this RangeBanned e, double mean, double std) =>
        new(e.At, e.Range.ToBlock(), e.Offence, e.ExpiresAt, e.Condition, e.Members, mean, std);

    /// <param name="banDurationSeconds">Length of the ban being lifted; null = it was permanent.</param>
    public static BanLifted ToEvent(this IpUnbanned e, long? banDurationSeconds, double rate, double mean, double std) =>
        new(e.At, e.Ip, e.Reason, banDurationSeconds, rate, mean, std);

    /// <param name="mean">Per-IP baseline mean at the time.</param>
    /// <param name="std">Per-IP baseline std at the time.</param>
    public static BanIneffective ToEvent(this IneffectiveBan b, double mean, double std) =>
        new(b.At, b.Ip, b.BannedAt, b.ExpiresAt, b.LinesAfterBan, b.Rate, mean, std);
}
