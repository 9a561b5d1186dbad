using Detector.Ingest;
using Detector.Domain;

namespace Detector.Enforcement;

/// <summary>Events of the offender ledger, in past tense. Times are event-time Unix seconds.</summary>
public abstract record LedgerEvent(IpKey Ip, long At);

/// <summary>ExpiresAt null = permanent.</summary>
public sealed record IpBanned(IpKey Ip, long At, int Offence, long? ExpiresAt, string Condition, double Rate, double Mean, double Std)
    : LedgerEvent(Ip, At);

/// <summary>Reason: "expired" or "manual".</summary>
public sealed record IpUnbanned(IpKey Ip, long At, string Reason) : LedgerEvent(Ip, At);

/// <summary>The IP's history is older than the retention and is forgotten: its next offence is a first one.</summary>
public sealed record OffenderForgotten(IpKey Ip, long At) : LedgerEvent(Ip, At);
