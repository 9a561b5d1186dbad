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

/// <summary>A network was banned as one entry because <paramref name="Members"/> (its addresses with active bans, sorted)
/// were banned within the range rule's window (<see cref="RangePolicy"/>); the members' own bans end with it (folded:
/// <see cref="IpUnbanned"/> with reason "range"). Its own ladder: <paramref name="Offence"/> counts the range's bans.
/// ExpiresAt null = permanent. The base's Ip is the network address.</summary>
public sealed record RangeBanned(
    Firewall.BanTarget Range, long At, int Offence, long? ExpiresAt, string Condition, IReadOnlyList<IpKey> Members)
    : LedgerEvent(Range.Network, At)
{
    public bool Equals(RangeBanned? other) =>
        other is not null && Range == other.Range && At == other.At && Offence == other.Offence &&
        ExpiresAt == other.ExpiresAt && Condition == other.Condition && Members.SequenceEqual(other.Members);

    public override int GetHashCode() => HashCode.Combine(Range, At, Offence, ExpiresAt, Condition, Members.Count);
}

/// <summary>A range ban ended: "expired", "manual", or "exempt" (it came to cover an address never banned).</summary>
public sealed record RangeUnbanned(Firewall.BanTarget Range, long At, string Reason) : LedgerEvent(Range.Network, At);

/// <summary>The range's history is older than the retention: its next ban is a first one.</summary>
public sealed record RangeForgotten(Firewall.BanTarget Range, long At) : LedgerEvent(Range.Network, At);
