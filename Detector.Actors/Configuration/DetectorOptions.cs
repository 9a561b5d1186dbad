namespace Detector.Configuration;

/// <summary>Everything under the <c>Detector</c> configuration section.</summary>
public sealed partial class DetectorOptions
{
    public const string Section = "Detector";

    /// <summary>SQLite file, audit log and other state live here.</summary>
    public string DataDir { get; set; } = "./data";
    /// <summary>CIDR blocks (IPv4 or IPv6, or bare addresses) that are never banned; their anomalies are audited.</summary>
    public string[] Allowlist { get; set; } = [];
    /// <summary>The proxies Nginx takes the client address from (real_ip); never banned, like the allowlist.</summary>
    public string[] TrustedProxies { get; set; } = [];
    public LogOptions Log { get; set; } = new();
    public ClockOptions Clock { get; set; } = new();
    public DetectionOptions Detection { get; set; } = new();
    public BaselineOptions Baseline { get; set; } = new();
    public EnforcementOptions Enforcement { get; set; } = new();
    public AuditOptions Audit { get; set; } = new();
    public HttpOptions Http { get; set; } = new();
    public SlackOptions Slack { get; set; } = new();
    public EventWebhookOptions Webhook { get; set; } = new();
    public ApiOptions Api { get; set; } = new();
}

public sealed partial class LogOptions
{
    public string Path { get; set; } = "/var/log/nginx/detector.json.log";
    /// <summary>
    /// Several logs (<c>--log</c> repeated): paths or glob patterns (<c>*</c>, <c>?</c> in the file name), expanded at
    /// start and, live, every <see cref="RescanSeconds"/>. When set, <see cref="Path"/> is not read.
    /// </summary>
    public List<string> Paths { get; set; } = [];
    /// <summary>Live: how often the patterns are matched again for files created since (a new virtual host), which
    /// are then followed from their start. 0: only at start.</summary>
    public int RescanSeconds { get; set; } = 10;
    /// <summary>The lines' format; <see cref="LogFormat.Auto"/> detects it per file.</summary>
    public LogFormat Format { get; set; } = LogFormat.Auto;
    /// <summary>Read the file from its start instead of following only new lines.</summary>
    public bool FromStart { get; set; }
    /// <summary>How often the tail looks for new data, rotation or a reappeared file.</summary>
    public int PollIntervalMs { get; set; } = 200;
    /// <summary>Longer lines are skipped and counted; memory stays bounded.</summary>
    public int MaxLineBytes { get; set; } = 64 * 1024;
    /// <summary>Extra field names: log field name -> canonical field (ip, time, msec, method, path, status, bytes, user_agent).</summary>
    public Dictionary<string, string> FieldMap { get; set; } = new();
    /// <summary>At most this many malformed lines per minute are written to the log as samples.</summary>
    public int MalformedSamplesPerMinute { get; set; } = 10;
    /// <summary>
    /// Nextcloud's own logs (<c>nextcloud.log</c>, <c>--nextcloud-log</c>): paths or patterns like <see cref="Paths"/>.
    /// Read for failed logins (per address and per account), merged with the access logs in event time; never
    /// counted as traffic. Empty: none.
    /// </summary>
    public List<string> NextcloudLogs { get; set; } = [];
}

public sealed partial class ClockOptions
{
    /// <summary>Lines up to this much older than the open second are counted into it; older ones are counted as
    /// too late and left out of detection.</summary>
    public int LatenessToleranceSeconds { get; set; } = 30;
    /// <summary>Live mode: lines dated further than this into the future are clamped to now and counted.</summary>
    public int FutureToleranceSeconds { get; set; } = 5;
    /// <summary>Live mode: wall-clock tick period that closes quiet seconds.</summary>
    public int TickMs { get; set; } = 1000;
    /// <summary>Lines dated before 1 January of this year are implausible: rejected and counted as malformed
    /// (<c>implausible_time</c>). A 1970 or epoch-0 line is a broken clock or field, not traffic.</summary>
    public int MinPlausibleYear { get; set; } = 2000;
    /// <summary>Lines dated after 31 December of this year are implausible (as above).</summary>
    public int MaxPlausibleYear { get; set; } = 2100;
    /// <summary>A line dated more than this many hours after the newest accepted time (live: or the wall clock) is a
    /// suspected jump: held until <see cref="JumpConfirmLines"/> consecutive lines agree on it, else rejected as
    /// <c>implausible_time</c>. 0 turns the check off.</summary>
    public int MaxForwardJumpHours { get; set; } = 24;
    /// <summary>Live mode: lines dated more than this many days before the wall clock are implausible (a backlog read
    /// with <c>--from-start</c> is younger than the log's rotation). 0 turns the check off.</summary>
    public int MaxAgeDays { get; set; } = 30;
    /// <summary>Consecutive lines within <see cref="MaxForwardJumpHours"/> of each other that confirm a jump (or, at the
    /// start of a replay, where the stream is).</summary>
    public int JumpConfirmLines { get; set; } = 3;
}

public sealed partial class DetectionOptions
{
    public int WindowSeconds { get; set; } = 60;
    public double ZScoreThreshold { get; set; } = 3.0;
    public double RateMultiplier { get; set; } = 5.0;
    /// <summary>An IP's error share above this multiple of the baseline error rate tightens its thresholds.</summary>
    public double ErrorSurgeMultiplier { get; set; } = 3.0;
    /// <summary>Error surge needs at least this many 4xx/5xx in the window.</summary>
    public int ErrorSurgeMinErrors { get; set; } = 20;
    /// <summary>Thresholds are divided by this when the error surge applies.</summary>
    public double ErrorSurgeTightenFactor { get; set; } = 2.0;
    /// <summary>Per-IP statistics from the median and the median absolute deviation (× 1.4826) of the per-IP minute
    /// rates instead of their mean and standard deviation: heavy hitters and attackers cannot drag them.</summary>
    public bool RobustIpStatistics { get; set; } = true;
    /// <summary>Floor of the per-IP mean (or median) rate, requests per second over the window.</summary>
    public double IpMeanFloor { get; set; } = 1.0;
    /// <summary>Floor of the per-IP standard deviation (or scaled MAD), requests per second over the window.</summary>
    public double IpStdFloor { get; set; } = 2.0;
    /// <summary>Floor of the site's mean rate, requests per second.</summary>
    public double GlobalMeanFloor { get; set; } = 2.0;
    /// <summary>Floor of the standard deviation of the site's rate, requests per second.</summary>
    public double GlobalStdFloor { get; set; } = 1.0;
    /// <summary>A global episode ends after this many seconds back under the thresholds.</summary>
    public int GlobalEpisodeCooldownSeconds { get; set; } = 120;
    /// <summary>The global z-score rule also needs the rate above this multiple of the mean (1 = the z-score alone).</summary>
    public double GlobalMinRiseFactor { get; set; } = 1.5;
    /// <summary>A GLOBAL alert needs this many consecutive anomalous seconds (1 = at once): a single flooder is banned
    /// and taken out of the site's window first, a real surge persists.</summary>
    public int GlobalMinAnomalousSeconds { get; set; } = 15;

    /// <summary>Rate rules (z-score, multiplier, sustained, surge contributor) are multiplied by this for an IP whose
    /// window looks like a shared, legitimate address (see <see cref="SharedMinSuccessShare"/>); 1 disables it.</summary>
    public double SharedBarRaise { get; set; } = 4.0;
    /// <summary>Shared-address evidence needs at least this success (2xx/3xx) share of the window...</summary>
    public double SharedMinSuccessShare { get; set; } = 0.8;
    /// <summary>...and either this share of WebDAV/OCS requests answered with success (real sync, mobile and DAV clients)...</summary>
    public double SharedMinAppShare { get; set; } = 0.5;
    /// <summary>...or this many distinct user agents in the window (many people behind one address).</summary>
    public int SharedMinAgents { get; set; } = 4;
    /// <summary>Many agents raise the bar further, SharedBarRaise per SharedMinAgents of them, up to this.</summary>
    public double SharedBarMax { get; set; } = 16.0;

    /// <summary>The longer per-IP horizon of the sustained rule (seconds, a multiple of 10).</summary>
    public int SustainedHorizonSeconds { get; set; } = 600;
    /// <summary>Sustained rule: both the horizon's and the window's rate above this (req/s), before the shared bar.</summary>
    public double SustainedRate { get; set; } = 1.5;

    /// <summary>401/403 answers in the window that ban (when they are at least <see cref="ClientErrorMinShare"/> of its
    /// requests and above ErrorSurgeMultiplier × the site's error rate). 0 disables the rule.</summary>
    public int AuthFailureMinCount { get; set; } = 30;
    /// <summary>404 answers in the window that ban, on the same share conditions. 0 disables the rule.</summary>
    public int NotFoundMinCount { get; set; } = 30;
    public double ClientErrorMinShare { get; set; } = 0.5;

    /// <summary>During a global episode, an IP above this 60 s rate (req/s, before the shared bar) is one of the
    /// surge's sources and is banned. 0 (the default) disables the rule: an episode alone is no evidence against
    /// an address, and in a flash crowd or a false alarm its "sources" are the site's own users.</summary>
    public double SurgeContributorRate { get; set; }

    /// <summary>Repetitive rule: an address whose requests over the sustained horizon went this share or more to
    /// two paths (query included, health probes left out)...</summary>
    public double RepetitiveMinShare { get; set; } = 0.8;
    /// <summary>...with at least this many such requests in the horizon, is abusing an endpoint whatever its rate:
    /// no real client asks for the same one or two things hundreds of times. 0 disables the rule.</summary>
    public int RepetitiveMinRequests { get; set; } = 240;
    /// <summary>Repetition by route (path without its query): this share or more of at least
    /// <see cref="RepetitiveRouteMinRequests"/> requests in the horizon on two endpoints. Higher than by path: a real
    /// client may poll one endpoint with changing queries, but not a thousand times in ten minutes. 0 disables it.</summary>
    public double RepetitiveRouteMinShare { get; set; } = 0.9;
    /// <summary>Cap on the addresses the coordinator tracks at once. Over it, the tracks least likely to matter are
    /// evicted (idle longest, then fewest requests); banned addresses and those within half of a threshold never are,
    /// so the cap is soft when all of them are (docs/architecture.md, bounded state).</summary>
    public int MaxTrackedAddresses { get; set; } = 150_000;
    /// <summary>Cap on IP window entities created for traffic that could not change a verdict (live: the minute's
    /// refresh of quiet addresses). Addresses that could fire, are banned or have a full queue get one regardless.</summary>
    public int MaxIpEntities { get; set; } = 20_000;

    // Nextcloud's failed logins (Log:NextcloudLogs), judged per account by Detection.LoginCampaigns.

    /// <summary>The event-time window over which an account's failed logins are counted.</summary>
    public int AccountWindowSeconds { get; set; } = 900;
    /// <summary>An account with at least this many failed logins in the window, from at least
    /// <see cref="AccountMinNetworks"/> networks, is under a distributed attack (an ALERT naming it). 0 turns it off.</summary>
    public int AccountMinFailedLogins { get; set; } = 12;
    /// <summary>Distinct networks (an IPv4 address, an IPv6 /64) the failures must come from: one person's devices
    /// (home, phone, office) stay below it however often a stale password is retried.</summary>
    public int AccountMinNetworks { get; set; } = 6;
    /// <summary>An address in such a campaign with at least this many 401/403/429 answers in the access log within
    /// the window is banned with both reasons. 0 turns the combined ban off (the ALERT stays).</summary>
    public int CampaignMinAuthFailures { get; set; } = 3;
    /// <summary>Accounts with failed logins kept in memory; beyond it the one idle longest is forgotten.</summary>
    public int MaxTrackedAccounts { get; set; } = 10_000;
    /// <summary>Addresses kept with their recent failed logins and access-log auth failures; beyond it the one idle
    /// longest is forgotten.</summary>
    public int MaxTrackedLoginAddresses { get; set; } = 50_000;

    /// <summary>A churning IPv6 network (<c>Enforcement:Ipv6Range:PrefixLength</c>, with IPv6 range bans on): once this
    /// many of its addresses are tracked, its new addresses are tracked as one client under the network's address, so a
    /// flood spread over fresh addresses is judged as the sum it is and state stays bounded. 0 turns it off.</summary>
    public int Ipv6AggregateAfterAddresses { get; set; } = 64;
    public int RepetitiveRouteMinRequests { get; set; } = 600;

    /// <summary>Which site-wide rule raises GLOBAL alerts: <see cref="GlobalRuleKind.Causes"/> (by cause against
    /// the site's own recent minutes and trend) or <see cref="GlobalRuleKind.Original"/> (the 60 s rate against
    /// the baseline's mean and Std60, as first designed; kept for comparison).</summary>
    public GlobalRuleKind GlobalRule { get; set; } = GlobalRuleKind.Causes;
    /// <summary>Causes rule: the site's request volume over the window must exceed this multiple of the expected
    /// volume (the larger of the recent median and the trend projected to now).</summary>
    public double GlobalSurgeFactor { get; set; } = 3.0;
    /// <summary>Causes rule: new clients, auth failures, not-found and server errors must exceed this multiple of
    /// their expected count.</summary>
    public double GlobalCauseFactor { get; set; } = 4.0;
    /// <summary>Causes rule: the volume test leaves out this many of the window's busiest addresses, so a surge
    /// only they carry is judged by the per-address rules, not raised as a site-wide alert.</summary>
    public int GlobalVolumeBusiestSources { get; set; } = 3;
    /// <summary>Causes rule: minutes of history the volume trend is fitted on.</summary>
    public int GlobalTrendMinutes { get; set; } = 10;
    /// <summary>Earlier days the site rule remembers per quarter hour of the day (0: no time-of-day history).</summary>
    public int GlobalTimeOfDayDays { get; set; } = 7;
    /// <summary>Earlier days with data at a time of day before that history is used (its median over three or
    /// more days is not moved by one odd day).</summary>
    public int GlobalTimeOfDayMinDays { get; set; } = 3;
    /// <summary>Causes rule: new clients must also be at least this share of the window's active clients.</summary>
    public double GlobalNewClientsMinShare { get; set; } = 0.25;
    /// <summary>Causes rule floors: the least each count is expected to be per minute, so a small site's noise
    /// stays quiet.</summary>
    public double GlobalNewClientsFloor { get; set; } = 10;
    public double GlobalAuthFailuresFloor { get; set; } = 5;
    public double GlobalNotFoundFloor { get; set; } = 10;
    public double GlobalServerErrorsFloor { get; set; } = 5;
}

public enum GlobalRuleKind { Causes, Original }

public sealed partial class BaselineOptions
{
    public int HistoryMinutes { get; set; } = 30;
    public int RecomputeSeconds { get; set; } = 60;
    /// <summary>Below this much history the floors alone apply.</summary>
    public int MinHistorySeconds { get; set; } = 300;
    /// <summary>An hour-of-day slot is preferred once it holds this many seconds.</summary>
    public int SlotMinSeconds { get; set; } = 1800;
    public double ErrorRateFloor { get; set; } = 0.02;
}

public sealed partial class EnforcementOptions
{
    public static readonly string[] DefaultLadder = ["10m", "30m", "2h", "permanent"];

    /// <summary>Ban durations by offence: "10m", "30m", "2h", "permanent" (or TimeSpan text). Empty: the default.
    /// (Empty rather than the default because the configuration binder appends to an existing array.)</summary>
    public string[] Ladder { get; set; } = [];

    public IReadOnlyList<string> EffectiveLadder => Ladder.Length > 0 ? Ladder : DefaultLadder;
    /// <summary>Offender history is kept this long after an IP's last ban or unban (never shorter than the
    /// ladder's longest finite step).</summary>
    public int HistoryRetentionDays { get; set; } = 30;
    /// <summary>Where bans go (auto: what the host supports, dry-run when not privileged). The shipped appsettings.json
    /// says the same. Several backends are a comma-separated list (<c>ipset,nginx</c>); each applies every ban.</summary>
    public FirewallBackend Firewall { get; set; } = FirewallBackend.Auto;
    /// <summary>The nginx backend: where its include files go, what Nginx answers, how Nginx is reloaded.</summary>
    public NginxBanOptions Nginx { get; set; } = new();
    /// <summary>Range decisions for IPv6: offenders are grouped by this prefix (default /64, what one subscriber or
    /// one server gets), and <see cref="RangeOptions.MinAddresses"/> bans in one prefix within the window ban the prefix
    /// as one entry. On by default: an attacker with a /64 has 2^64 addresses to rotate through.</summary>
    public RangeOptions Ipv6Range { get; set; } = new() { Enabled = true, PrefixLength = 64 };
    /// <summary>Range decisions for IPv4 (default /24): off by default, since one /24 may hold unrelated customers
    /// of a hoster or a carrier-grade NAT.</summary>
    public RangeOptions Ipv4Range { get; set; } = new() { Enabled = false, PrefixLength = 24 };
    /// <summary>ipset and iptables backends: hook DOCKER-USER as well as INPUT when it exists. False: INPUT only
    /// (bans then miss traffic to Docker-published ports; for hosts without Docker or to compare).</summary>
    public bool DockerUser { get; set; } = true;

    /// <summary>Log lines from a banned IP this many seconds (event time) after its ban mean the ban does not
    /// work: audited once per ban as BAN_INEFFECTIVE. Not judged with the dry-run backend.</summary>
    public int IneffectiveGraceSeconds { get; set; } = 5;

    /// <summary>The <c>cloudflare</c> backend's list and credentials.</summary>
    public CloudflareOptions Cloudflare { get; set; } = new();
}

/// <summary>
/// Detector's own Cloudflare IP list (<c>Detector:Enforcement:Cloudflare</c>). Create the list (kind <c>ip</c>) and a WAF
/// custom rule <c>ip.src in $the_list_name</c> with action Block in the zone; Detector keeps the list's items equal to
/// its active bans.
/// </summary>
public sealed partial class CloudflareOptions
{
    /// <summary>The account that owns the list: 32 hex digits.</summary>
    public string? AccountId { get; set; }
    /// <summary>The list's id: 32 hex digits.</summary>
    public string? ListId { get; set; }
    /// <summary>An API token with the permission Account Filter Lists Edit. A secret: set it from the environment
    /// (<c>Detector__Enforcement__Cloudflare__ApiToken</c>) or use <see cref="ApiTokenFile"/>.</summary>
    public string? ApiToken { get; set; }
    /// <summary>File holding the API token (a mounted secret); used when <see cref="ApiToken"/> is empty.</summary>
    public string? ApiTokenFile { get; set; }
    public string ApiUrl { get; set; } = "https://api.cloudflare.com/client/v4/";
    /// <summary>Items the list may hold (10,000 on most plans, shared by the account's lists). Beyond it the bans
    /// expiring soonest are left out, each audited as BAN_FAILED.</summary>
    public int MaxItems { get; set; } = 10_000;
}

/// <summary>
/// The nginx backend (<c>Detector:Enforcement:Nginx</c>). Detector writes two files into <see cref="Directory"/>:
/// <c>bans.conf</c> (a <c>geo $remote_addr $detector_banned</c> block of the banned addresses and prefixes; include it in
/// the <c>http</c> block) and <c>deny.conf</c> (<c>if ($detector_banned) { return Status; }</c>; include it in each
/// <c>server</c> block), then reloads Nginx.
/// </summary>
public sealed partial class NginxBanOptions
{
    public static readonly string[] DefaultReloadCommand = ["nginx", "-s", "reload"];

    /// <summary>Where Detector writes <c>bans.conf</c> and <c>deny.conf</c> (created if missing; replaced atomically).</summary>
    public string Directory { get; set; } = "/etc/nginx/detector-bans";
    /// <summary>What Nginx answers a banned client: 403, or 444 (close the connection without an answer), or another
    /// 4xx. Lines of a banned address with this status are Nginx enforcing the ban, not a ban that fails.</summary>
    public int Status { get; set; } = 403;
    /// <summary>How Nginx is reloaded when the files changed: a program and its arguments, run without a shell.
    /// Empty: <see cref="DefaultReloadCommand"/> (a host install). Not used when <see cref="PidFile"/> is set.</summary>
    public string[] ReloadCommand { get; set; } = [];
    public IReadOnlyList<string> EffectiveReloadCommand => ReloadCommand.Length > 0 ? ReloadCommand : DefaultReloadCommand;
    /// <summary>Reload by signal instead: SIGHUP to the process whose id this file holds (Nginx's <c>pid</c> file, shared
    /// with the detector's container; the process must be named nginx).</summary>
    public string? PidFile { get; set; }
    /// <summary>Changes within this many milliseconds of the first one are written and reloaded together, so a burst of
    /// bans costs one reload.</summary>
    public int ReloadDelayMs { get; set; } = 200;
}

/// <summary>When several addresses of one network are banned, the network is banned as one entry
/// (<c>Enforcement:Ipv6Range</c>, <c>Enforcement:Ipv4Range</c>).</summary>
public sealed class RangeOptions
{
    public bool Enabled { get; set; }
    /// <summary>The prefix offenders are grouped by (IPv6 16–127, IPv4 8–31).</summary>
    public int PrefixLength { get; set; }
    /// <summary>Active bans in one prefix, begun within <see cref="WindowSeconds"/>, that ban the prefix (at least 1;
    /// 1 bans the prefix at its first offence).</summary>
    public int MinAddresses { get; set; } = 3;
    /// <summary>The window (event time) the member bans must have begun in.</summary>
    public int WindowSeconds { get; set; } = 600;
}

public sealed class AuditOptions
{
    /// <summary>Audit log file; relative paths are under <see cref="DetectorOptions.DataDir"/>.</summary>
    public string Path { get; set; } = "audit.log";
}

public sealed partial class HttpOptions
{
    public string Url { get; set; } = "http://127.0.0.1:8080";
}

public sealed partial class SlackOptions : IDeliveryRetryOptions
{
    /// <summary>Actions sent to Slack unless <see cref="Actions"/> names others.</summary>
    public static readonly string[] DefaultActions = ["BAN", "UNBAN", "BAN_RANGE", "UNBAN_RANGE", "ALERT", "BAN_INEFFECTIVE", "BAN_FAILED", "UNBAN_FAILED"];

    /// <summary>Incoming-webhook URL. A secret: set it from the environment (<c>Detector__Slack__WebhookUrl</c>) or use
    /// <see cref="WebhookUrlFile"/>. Neither set: no Slack, alerts go to the audit log and the console only.</summary>
    public string? WebhookUrl { get; set; }
    /// <summary>File holding the webhook URL (e.g. a mounted secret); used when <see cref="WebhookUrl"/> is empty.</summary>
    public string? WebhookUrlFile { get; set; }
    /// <summary>Audit actions to alert on. Empty: <see cref="DefaultActions"/> (empty rather than the default because
    /// the configuration binder appends to an existing array).</summary>
    public string[] Actions { get; set; } = [];
    public IReadOnlyList<string> EffectiveActions => Actions.Length > 0 ? Actions : DefaultActions;
    /// <summary>Messages waiting for delivery; when full the oldest is dropped and counted.</summary>
    public int QueueCapacity { get; set; } = 200;
    /// <summary>Retries after the first attempt (5xx, 429, 408, network errors, timeouts), exponential backoff.</summary>
    public int MaxRetries { get; set; } = 4;
    public double RetryBaseDelaySeconds { get; set; } = 2;
    /// <summary>A 429's Retry-After is honoured up to this long.</summary>
    public double MaxRetryAfterSeconds { get; set; } = 60;
    /// <summary>One HTTP attempt; a hanging webhook is abandoned after this.</summary>
    public double AttemptTimeoutSeconds { get; set; } = 10;
    /// <summary>One message, all attempts and waits included.</summary>
    public double TotalTimeoutSeconds { get; set; } = 180;
    /// <summary>The same action on the same subject (e.g. BAN of one IP) is sent at most once per cooldown.</summary>
    public double CooldownSeconds { get; set; } = 600;
    /// <summary>More than this many bans within <see cref="BurstWindowSeconds"/>: the rest go into one summary.</summary>
    public int BurstThreshold { get; set; } = 5;
    public double BurstWindowSeconds { get; set; } = 10;
    /// <summary>How long a BAN alert waits for the IP's sample paths, agents and tier before going without them.</summary>
    public int DetailsTimeoutMs { get; set; } = 500;
    /// <summary>On shutdown, queued messages get this long to go out.</summary>
    public double ShutdownDrainSeconds { get; set; } = 3;
    /// <summary>Name attacked accounts in messages. Off: an account is shown by its pseudonym (<c>acct-…</c>, as in
    /// the audit's BAN conditions); the audit log keeps the name.</summary>
    public bool IncludeAccountNames { get; set; }
}

/// <summary>Ban events out: one signed JSON POST per event, for a SIEM, a chat bridge or another bouncer.</summary>
public sealed partial class EventWebhookOptions : IDeliveryRetryOptions
{
    /// <summary>Actions posted unless <see cref="Actions"/> names others.</summary>
    public static readonly string[] DefaultActions = ["BAN", "UNBAN", "BAN_RANGE", "UNBAN_RANGE", "ALERT"];

    /// <summary>Where events are posted (http or https). Neither this nor <see cref="UrlFile"/> set: no webhook.</summary>
    public string? Url { get; set; }
    /// <summary>File holding the URL (a mounted secret); used when <see cref="Url"/> is empty.</summary>
    public string? UrlFile { get; set; }
    /// <summary>The HMAC-SHA256 key the receiver verifies <c>X-Detector-Signature</c> with; required with a URL.
    /// Set it from the environment (<c>Detector__Webhook__Secret</c>) or use <see cref="SecretFile"/>.</summary>
    public string? Secret { get; set; }
    public string? SecretFile { get; set; }
    /// <summary>Audit actions to post. Empty: <see cref="DefaultActions"/>.</summary>
    public string[] Actions { get; set; } = [];
    public IReadOnlyList<string> EffectiveActions => Actions.Length > 0 ? Actions : DefaultActions;
    /// <summary>Events waiting for delivery; when full the oldest is dropped and counted.</summary>
    public int QueueCapacity { get; set; } = 1000;
    public int MaxRetries { get; set; } = 4;
    public double RetryBaseDelaySeconds { get; set; } = 2;
    public double MaxRetryAfterSeconds { get; set; } = 60;
    public double AttemptTimeoutSeconds { get; set; } = 10;
    public double TotalTimeoutSeconds { get; set; } = 180;
    /// <summary>On shutdown, queued events get this long to go out.</summary>
    public double ShutdownDrainSeconds { get; set; } = 3;
    /// <summary>Name attacked accounts in the body (as <see cref="SlackOptions.IncludeAccountNames"/>).</summary>
    public bool IncludeAccountNames { get; set; }
}

/// <summary>The HTTP API's token (daemon) and, for the CLI verbs, where the daemon is.</summary>
public sealed partial class ApiOptions
{
    /// <summary>CLI: the daemon's URL; empty means <see cref="HttpOptions.Url"/>.</summary>
    public string? Url { get; set; }
    /// <summary>Bearer token for the mutating endpoints. A secret: environment (<c>Detector__Api__Token</c>) or
    /// <see cref="TokenFile"/>.</summary>
    public string? Token { get; set; }
    /// <summary>File holding the token (surrounding whitespace ignored); used when <see cref="Token"/> is empty.</summary>
    public string? TokenFile { get; set; }
    /// <summary>Host names (or addresses) the daemon answers to besides loopback ones (<c>localhost</c>, 127.0.0.0/8,
    /// ::1) and the host of <see cref="HttpOptions.Url"/>; any other <c>Host</c> header gets 400, so a page that rebinds
    /// its own DNS name to 127.0.0.1 cannot read the API.</summary>
    public string[] AllowedHosts { get; set; } = [];
}
