using Detector.Baseline;
using Detector.Detection;
using Detector.Enforcement;
using Detector.Ingest;
using Detector.Domain;

namespace Detector.Enforcement;

/// <summary>
/// The detection side closed the second ending at <paramref name="Now"/>: expire what is due, then apply these
/// verdicts (sorted by IP). Replies <see cref="EnforcementApplied"/>.
/// </summary>
public sealed record ApplyVerdicts(long Now, IReadOnlyList<IpVerdict> Verdicts, BaselineSnapshot Baseline);

/// <summary>All ledger events applied since the previous reply (manual ones included), and the next expiry.</summary>
public sealed record EnforcementApplied(IReadOnlyList<LedgerEvent> Events, long? NextExpiry);

/// <summary>Active bans ordered by IP; replies <see cref="BansSnapshot"/>.</summary>
public sealed record GetBans
{
    public static readonly GetBans Instance = new();
}

public sealed record BansSnapshot(IReadOnlyList<OffenderRecord> Active, long? Now);

/// <summary>What the detection side needs when it starts (bans recovered from the journal included); replies
/// <see cref="EnforcementState"/>.</summary>
public sealed record GetEnforcementState
{
    public static readonly GetEnforcementState Instance = new();
}

/// <param name="ActiveBans">Ordered by IP.</param>
/// <param name="FirewallEnforces">false with the dry-run backend: bans block nothing, so they cannot be judged.</param>
public sealed record EnforcementState(IReadOnlyList<OffenderRecord> ActiveBans, long? NextExpiry, bool FirewallEnforces);

/// <summary>What the ledger knows of one IP; replies <see cref="OffenderInfo"/>.</summary>
public sealed record GetOffender(IpKey Ip);

public sealed record OffenderInfo(IpKey Ip, OffenderRecord? Record);

/// <summary>An operator's ban. <paramref name="Now"/> is the caller's best event time (the pipeline's); the
/// duration null means the ladder decides. Exempt addresses (loopback, this host, allowlist, trusted proxies) are
/// refused with the reason. Replies <see cref="ManualActionResult"/>.</summary>
public sealed record BanManually(IpKey Ip, TimeSpan? Duration, long Now);

/// <summary>An operator's unban. Replies <see cref="ManualActionResult"/>.</summary>
public sealed record UnbanManually(IpKey Ip, long Now);

public sealed record ManualActionResult(bool Changed, string Message);

/// <summary>To the firewall actor: make the kernel block this IP (duration null = permanent). At: the ban's event
/// time, for the audit line if applying it fails.</summary>
public sealed record FirewallBan(IpKey Ip, TimeSpan? Duration, long? At = null);

/// <summary>To the firewall actor: make the kernel stop blocking this IP.</summary>
public sealed record FirewallUnban(IpKey Ip, long? At = null);
