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
public sealed record ApplyVerdicts(long Now, IReadOnlyList<IpVerdict> Verdicts, BaselineSnapshot Baseline)
{
    /// <summary>Verdicts on churning IPv6 networks tracked as one client (the verdict's Ip is the network's address):
    /// each bans its network as a range (<see cref="RangePolicy.RangeOf"/>), never an address.</summary>
    public IReadOnlyList<IpVerdict> RangeVerdicts { get; init; } = [];
}

/// <summary>All ledger events applied since the previous reply (manual ones included), and the next expiry.</summary>
public sealed record EnforcementApplied(IReadOnlyList<LedgerEvent> Events, long? NextExpiry);

/// <summary>Active bans ordered by IP; replies <see cref="BansSnapshot"/>.</summary>
public sealed record GetBans
{
    public static readonly GetBans Instance = new();
}

public sealed record BansSnapshot(IReadOnlyList<OffenderRecord> Active, long? Now)
{
    /// <summary>Active range bans ordered by network.</summary>
    public IReadOnlyList<RangeRecord> Ranges { get; init; } = [];
}

/// <summary>From the firewall actor: the active bans and range bans with the kernel target each gets (exempt ones left
/// out); replies <see cref="DesiredBans"/>.</summary>
public sealed record GetDesiredBans
{
    public static readonly GetDesiredBans Instance = new();
}

/// <param name="Now">The ledger's event time, null before the first closed second.</param>
public sealed record DesiredBans(IReadOnlyList<Firewall.DesiredBan> Bans, long? Now);

/// <summary>Read this host's addresses again (<see cref="IHostAddressSource"/>). Sent by the enforcement actor's own
/// timer every <see cref="EnforcementSetup.HostAddressRefresh"/>; tests send it directly.</summary>
public sealed record RefreshHostAddresses
{
    public static readonly RefreshHostAddresses Instance = new();
}

/// <summary>What the detection side needs when it starts (bans recovered from the journal included); replies
/// <see cref="EnforcementState"/>.</summary>
public sealed record GetEnforcementState
{
    public static readonly GetEnforcementState Instance = new();
}

/// <param name="ActiveBans">Ordered by IP.</param>
/// <param name="FirewallEnforces">false with the dry-run backend: bans block nothing, so they cannot be judged.</param>
/// <param name="BanAnswerStatus">With the nginx backend, the status Nginx answers banned clients with.</param>
public sealed record EnforcementState(IReadOnlyList<OffenderRecord> ActiveBans, long? NextExpiry, bool FirewallEnforces, int? BanAnswerStatus = null)
{
    /// <summary>Active range bans ordered by network.</summary>
    public IReadOnlyList<RangeRecord> ActiveRanges { get; init; } = [];
}

/// <summary>What the ledger knows of one IP; replies <see cref="OffenderInfo"/>.</summary>
public sealed record GetOffender(IpKey Ip);

public sealed record OffenderInfo(IpKey Ip, OffenderRecord? Record);

/// <summary>An operator's ban. <paramref name="Now"/> is the caller's best event time (the pipeline's); the
/// duration null means the ladder decides, <see cref="Timeout.InfiniteTimeSpan"/> asks for a permanent ban, anything
/// else must be within <see cref="BanLadder.MaxDuration"/>. Exempt addresses (unspecified, broadcast, multicast,
/// loopback, this host, allowlist, trusted proxies) are refused with the reason. Replies <see cref="ManualActionResult"/>.</summary>
public sealed record BanManually(IpKey Ip, TimeSpan? Duration, long Now);

/// <summary>An operator's unban. Replies <see cref="ManualActionResult"/>.</summary>
public sealed record UnbanManually(IpKey Ip, long Now);

/// <summary>An operator's unban of a range ban: it ends every ban the range holds (its members were folded into it).
/// Replies <see cref="ManualActionResult"/>.</summary>
public sealed record UnbanRangeManually(Firewall.BanTarget Range, long Now);

/// <param name="Refused">The request was refused (an exempt address): the API answers it as an error.</param>
public sealed record ManualActionResult(bool Changed, string Message, bool Refused = false);

/// <summary>To the firewall actor: make the kernel block <paramref name="Target"/> for this IP (duration null =
/// permanent). The target is chosen by the enforcement actor (<see cref="BanExemptions.TargetFor"/>). At: the ban's
/// event time, for the audit line if applying it fails.</summary>
public sealed record FirewallBan(IpKey Ip, Firewall.BanTarget Target, TimeSpan? Duration, long? At = null);

/// <summary>To the firewall actor: make the kernel stop blocking this IP (its target as told at ban time; after a
/// restart, <paramref name="Target"/>).</summary>
public sealed record FirewallUnban(IpKey Ip, Firewall.BanTarget Target, long? At = null);
