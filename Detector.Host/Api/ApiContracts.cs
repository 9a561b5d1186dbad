using Detector.Domain;
namespace Detector.Host.Api;

// The HTTP API's JSON shapes (camelCase on the wire). The dashboard, the CLI verbs and the tests read these.
// Times are ISO 8601 UTC strings; event-time fields come from the log's own clock.

public sealed record BaselineDto(double Mean, double Std, double Std60, double ErrorRate, double IpMean, double IpStd, string Slot, bool Warm, int Points);

public sealed record FirewallDto(string Backend, long Failures, long Applied);

/// <summary>GET /api/status</summary>
public sealed record StatusDto(
    double UptimeSeconds,
    long Lines,
    double LinesPerSecond,
    IReadOnlyDictionary<string, long> Malformed,
    double? LagSeconds,
    string? EventTime,
    double GlobalRate,
    BaselineDto Baseline,
    int ActiveBans,
    double CpuPercent,
    double MemoryMb,
    FirewallDto Firewall,
    string Pipeline);

/// <summary>One active ban. RemainingSeconds null = permanent.</summary>
/// <param name="Ip">An address, or for a range ban the network ("2001:db8::/64").</param>
/// <param name="Members">A range ban's addresses that led to it; null for an address's ban.</param>
public sealed record BanDto(string Ip, int Offence, string Condition, string BannedAt, string? ExpiresAt, long? RemainingSeconds, bool Permanent,
    IReadOnlyList<string>? Members = null);

/// <summary>GET /api/bans</summary>
public sealed record BansDto(IReadOnlyList<BanDto> Bans);

/// <summary>POST /api/bans body (DurationSeconds null = the ladder decides; 0 or less is rejected).</summary>
public sealed record BanRequest(string Ip, long? DurationSeconds);

/// <summary>POST /api/bans and DELETE /api/bans/{ip} answer.</summary>
public sealed record ManualActionDto(bool Changed, string Message);

public sealed record VerdictDto(string Condition, double Rate, double Mean, double Std, string At);

public sealed record OffenderDto(int Offences, bool Banned, bool Permanent, string? BannedAt, string? ExpiresAt, string FirstSeen, string LastSeen, string LastCondition);

/// <summary>GET /api/ips/{ip}: asked of the IP's entity and the ledger.</summary>
public sealed record IpDto(
    string Ip,
    int WindowRequests,
    int WindowErrors,
    double Rate,
    double ErrorShare,
    VerdictDto? LastVerdict,
    IReadOnlyList<string> RecentPaths,
    IReadOnlyList<string> RecentAgents,
    OffenderDto? Offender);

public sealed record TopIpDto(string Ip, int Requests, double Rate, int Errors, bool Banned);

/// <summary>GET /api/top: busiest source IPs over the last minute of event time.</summary>
public sealed record TopDto(IReadOnlyList<TopIpDto> Top);

public sealed record AuditEventDto(string At, string Action, string Subject, string Condition, double Rate, string Baseline, string Duration, string Line);

/// <summary>GET /api/audit?since=ISO: recent audit events, oldest first.</summary>
public sealed record AuditDto(IReadOnlyList<AuditEventDto> Events);

/// <summary>One second of the global series (T = end of the second): the site's 60 s rate and the band the global rule
/// allows around the baseline mean: Lower = mean − z·std60 (≥ 0), Upper = the alert threshold, min(mean + z·std60, multiplier × mean).</summary>
public sealed record SeriesPointDto(string T, double Rate, double Mean, double Lower, double Upper);

/// <summary>GET /api/series: the last 30 minutes of event time, one point per second (or coarser).</summary>
public sealed record SeriesDto(IReadOnlyList<SeriesPointDto> Points);

/// <summary>Any non-2xx answer of the API: what went wrong, in words.</summary>
public sealed record ErrorDto(string Error);
