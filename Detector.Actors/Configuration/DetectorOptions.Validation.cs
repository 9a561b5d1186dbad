using Detector.Domain;

namespace Detector.Configuration;

// Each section checks its own values. Errors are sentences an operator can act on, each starting with the
// configuration key it is about ("Detector:Detection:WindowSeconds must be …"); the host prints them and exits with 2.

public sealed partial class DetectorOptions
{
    /// <summary>Everything wrong with the options, every section included; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        errors.AddRange(Enforcement.Validate());
        errors.AddRange(Detection.Validate());
        errors.AddRange(Baseline.Validate());
        errors.AddRange(Log.Validate());
        errors.AddRange(Clock.Validate());
        errors.AddRange(CidrErrors($"{Section}:Allowlist", Allowlist));
        errors.AddRange(CidrErrors($"{Section}:TrustedProxies", TrustedProxies));
        errors.AddRange(Http.Validate());
        errors.AddRange(Api.Validate());
        errors.AddRange(Slack.Validate());
        errors.AddRange(Webhook.Validate());
        return errors;
    }

    private static IEnumerable<string> CidrErrors(string key, IReadOnlyList<string> entries)
    {
        for (var i = 0; i < entries.Count; i++)
            if (!Cidr.TryParse(entries[i], out _, out var error))
                yield return $"{key}:{i} '{entries[i]}' is not an address or CIDR block: {error}.";
    }
}

public sealed partial class LogOptions
{
    public IEnumerable<string> Validate()
    {
        if (MaxLineBytes < 256) yield return "Detector:Log:MaxLineBytes must be at least 256.";
        if (PollIntervalMs < 10) yield return "Detector:Log:PollIntervalMs must be at least 10.";
        if (RescanSeconds < 0) yield return "Detector:Log:RescanSeconds must not be negative (0: patterns are matched at start only).";
        if (!Enum.IsDefined(Format)) yield return $"Detector:Log:Format '{Format}' is not a log format ({LogFormatNames.Accepted}).";
        for (var i = 0; i < Paths.Count; i++)
            if (string.IsNullOrWhiteSpace(Paths[i])) yield return $"Detector:Log:Paths:{i} is empty.";
        for (var i = 0; i < NextcloudLogs.Count; i++)
            if (string.IsNullOrWhiteSpace(NextcloudLogs[i])) yield return $"Detector:Log:NextcloudLogs:{i} is empty.";
    }
}

public sealed partial class ClockOptions
{
    public IEnumerable<string> Validate()
    {
        if (TickMs < 100) yield return "Detector:Clock:TickMs must be at least 100.";
        // 9000 leaves room for a permanent ban's bookkeeping and every date the audit and the API print.
        if (MinPlausibleYear is < 1970 or > 9000) yield return "Detector:Clock:MinPlausibleYear must be between 1970 and 9000.";
        if (MaxPlausibleYear < MinPlausibleYear || MaxPlausibleYear > 9000)
            yield return "Detector:Clock:MaxPlausibleYear must be between MinPlausibleYear and 9000.";
        if (MaxForwardJumpHours < 0) yield return "Detector:Clock:MaxForwardJumpHours must not be negative.";
        if (MaxAgeDays < 0) yield return "Detector:Clock:MaxAgeDays must not be negative.";
        if (JumpConfirmLines is < 1 or > 1000) yield return "Detector:Clock:JumpConfirmLines must be between 1 and 1000.";
    }
}

public sealed partial class DetectionOptions
{
    public IEnumerable<string> Validate()
    {
        if (WindowSeconds is < 1 or > 3600) yield return "Detector:Detection:WindowSeconds must be between 1 and 3600.";
        if (ZScoreThreshold <= 0) yield return "Detector:Detection:ZScoreThreshold must be positive.";
        if (RateMultiplier <= 1) yield return "Detector:Detection:RateMultiplier must be greater than 1.";
        if (ErrorSurgeTightenFactor < 1) yield return "Detector:Detection:ErrorSurgeTightenFactor must be at least 1.";
        if (SustainedHorizonSeconds < 10 || SustainedHorizonSeconds < WindowSeconds)
            yield return "Detector:Detection:SustainedHorizonSeconds must be at least 10 and at least WindowSeconds.";
        if (SustainedRate < 0 || SurgeContributorRate < 0)
            yield return "Detector:Detection:SustainedRate and SurgeContributorRate must not be negative (0 turns a rule off).";
        if (AuthFailureMinCount < 0 || NotFoundMinCount < 0)
            yield return "Detector:Detection:AuthFailureMinCount and NotFoundMinCount must not be negative (0 turns a rule off).";
        if (SharedBarRaise < 1 || SharedBarMax < 1)
            yield return "Detector:Detection:SharedBarRaise and SharedBarMax must be at least 1 (1 turns the bar off).";
        if (GlobalMinAnomalousSeconds < 1) yield return "Detector:Detection:GlobalMinAnomalousSeconds must be at least 1.";
        if (MaxTrackedAddresses < 100) yield return "Detector:Detection:MaxTrackedAddresses must be at least 100.";
        if (MaxIpEntities < 0) yield return "Detector:Detection:MaxIpEntities must not be negative.";
        if (AccountWindowSeconds is < 60 or > 86_400) yield return "Detector:Detection:AccountWindowSeconds must be between 60 and 86400.";
        if (AccountMinFailedLogins < 0 || CampaignMinAuthFailures < 0)
            yield return "Detector:Detection:AccountMinFailedLogins and CampaignMinAuthFailures must not be negative (0 turns a rule off).";
        // One network is one client, not a campaign: the per-address rules judge it.
        if (AccountMinNetworks < 2) yield return "Detector:Detection:AccountMinNetworks must be at least 2.";
        if (MaxTrackedAccounts < 100 || MaxTrackedLoginAddresses < 100)
            yield return "Detector:Detection:MaxTrackedAccounts and MaxTrackedLoginAddresses must be at least 100.";
        if (Ipv6AggregateAfterAddresses < 0) yield return "Detector:Detection:Ipv6AggregateAfterAddresses must not be negative.";
        if (RepetitiveMinRequests < 0 || RepetitiveRouteMinRequests < 0)
            yield return "Detector:Detection:RepetitiveMinRequests and RepetitiveRouteMinRequests must not be negative (0 turns a rule off).";
        if (RepetitiveMinShare is <= 0 or > 1 || RepetitiveRouteMinShare is <= 0 or > 1)
            yield return "Detector:Detection:RepetitiveMinShare and RepetitiveRouteMinShare must be in (0, 1].";
        if (!Enum.IsDefined(GlobalRule)) yield return "Detector:Detection:GlobalRule must be Causes or Original.";
        if (GlobalSurgeFactor <= 1 || GlobalCauseFactor <= 1)
            yield return "Detector:Detection:GlobalSurgeFactor and GlobalCauseFactor must be greater than 1.";
        if (GlobalTrendMinutes < 0) yield return "Detector:Detection:GlobalTrendMinutes must not be negative (0 or 1-2: no trend).";
        if (GlobalTimeOfDayDays is < 0 or > 28) yield return "Detector:Detection:GlobalTimeOfDayDays must be between 0 and 28.";
        if (GlobalTimeOfDayMinDays < 1 || GlobalTimeOfDayDays > 0 && GlobalTimeOfDayMinDays > GlobalTimeOfDayDays)
            yield return "Detector:Detection:GlobalTimeOfDayMinDays must be at least 1 and at most GlobalTimeOfDayDays.";
        if (GlobalVolumeBusiestSources is < 0 or > 100) yield return "Detector:Detection:GlobalVolumeBusiestSources must be between 0 and 100.";
        if (GlobalNewClientsMinShare is < 0 or > 1) yield return "Detector:Detection:GlobalNewClientsMinShare must be between 0 and 1.";
        if (GlobalNewClientsFloor < 0 || GlobalAuthFailuresFloor < 0 || GlobalNotFoundFloor < 0 || GlobalServerErrorsFloor < 0)
            yield return "Detector:Detection:GlobalNewClientsFloor, GlobalAuthFailuresFloor, GlobalNotFoundFloor and GlobalServerErrorsFloor must not be negative.";
    }
}

public sealed partial class BaselineOptions
{
    public IEnumerable<string> Validate()
    {
        if (HistoryMinutes < 1) yield return "Detector:Baseline:HistoryMinutes must be at least 1.";
        if (RecomputeSeconds < 1 || 60 % RecomputeSeconds != 0 && RecomputeSeconds % 60 != 0)
            yield return "Detector:Baseline:RecomputeSeconds must divide a minute or be whole minutes.";
    }
}

public sealed partial class EnforcementOptions
{
    public IEnumerable<string> Validate()
    {
        var errors = new List<string>();
        try
        {
            LadderText.Parse(EffectiveLadder);
        }
        catch (FormatException e)
        {
            errors.Add($"Detector:Enforcement:Ladder: {e.Message}");
        }
        // Binding already rejects a name that is not a backend; this catches a value cast in code.
        if (!Firewall.IsValid())
            errors.Add($"Detector:Enforcement:Firewall '{Firewall}' is not a backend or a list of backends that can run together ({FirewallBackends.NameList}).");
        if (Firewall.HasFlag(FirewallBackend.Nginx)) errors.AddRange(Nginx.Validate());
        errors.AddRange(RangeErrors(Ipv6Range, "Ipv6Range", 16, 127));
        errors.AddRange(RangeErrors(Ipv4Range, "Ipv4Range", 8, 31));
        if (HistoryRetentionDays < 1) errors.Add("Detector:Enforcement:HistoryRetentionDays must be at least 1.");
        if (IneffectiveGraceSeconds < 0) errors.Add("Detector:Enforcement:IneffectiveGraceSeconds must not be negative.");
        if (Firewall.HasFlag(FirewallBackend.Cloudflare)) errors.AddRange(Cloudflare.Validate());
        return errors;
    }

    private static IEnumerable<string> RangeErrors(RangeOptions range, string key, int minPrefix, int maxPrefix)
    {
        if (range.PrefixLength < minPrefix || range.PrefixLength > maxPrefix)
            yield return $"Detector:Enforcement:{key}:PrefixLength must be between {minPrefix} and {maxPrefix}.";
        if (range.MinAddresses < 1) yield return $"Detector:Enforcement:{key}:MinAddresses must be at least 1.";
        if (range.WindowSeconds < 1) yield return $"Detector:Enforcement:{key}:WindowSeconds must be at least 1.";
    }
}

public sealed partial class NginxBanOptions
{
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Directory)) yield return "Detector:Enforcement:Nginx:Directory must be set.";
        if (Status is < 400 or > 499) yield return "Detector:Enforcement:Nginx:Status must be a 4xx status (403, or 444 to close the connection).";
        if (string.IsNullOrWhiteSpace(PidFile) && EffectiveReloadCommand.Any(string.IsNullOrWhiteSpace))
            yield return "Detector:Enforcement:Nginx:ReloadCommand must not hold empty arguments.";
        if (ReloadDelayMs is < 0 or > 10_000) yield return "Detector:Enforcement:Nginx:ReloadDelayMs must be between 0 and 10000.";
    }
}

public sealed partial class CloudflareOptions
{
    private const string Key = "Detector:Enforcement:Cloudflare";

    /// <summary>Checked when the cloudflare backend is chosen; the token is read here too, so a missing or unreadable
    /// one stops the start with its key named.</summary>
    public IEnumerable<string> Validate()
    {
        if (!IsId(AccountId)) yield return $"{Key}:AccountId must be the account's id (32 hex digits).";
        if (!IsId(ListId)) yield return $"{Key}:ListId must be the IP list's id (32 hex digits).";
        if (!Uri.TryCreate(ApiUrl, UriKind.Absolute, out var api) || api.Scheme is not ("https" or "http"))
            yield return $"{Key}:ApiUrl '{ApiUrl}' is not an http(s) URL.";
        if (MaxItems < 1) yield return $"{Key}:MaxItems must be at least 1.";
        string? token = null, tokenError = null;
        try
        {
            token = Secrets.Read(ApiToken, ApiTokenFile);
        }
        catch (IOException e)
        {
            tokenError = $"{Key}:ApiTokenFile: {e.Message}";
        }
        if (tokenError is not null) yield return tokenError;
        else if (token is null) yield return $"{Key}:ApiToken is not set (set Detector__Enforcement__Cloudflare__ApiToken or {Key}:ApiTokenFile).";
        else if (token.Any(char.IsControl) || token.Contains(' ')) yield return $"{Key}:ApiToken must be one word.";
    }

    private static bool IsId(string? id) => id is { Length: 32 } && id.All(char.IsAsciiHexDigit);
}

public sealed partial class HttpOptions
{
    public IEnumerable<string> Validate()
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out _)) yield return $"Detector:Http:Url '{Url}' is not a URL.";
    }
}

public sealed partial class ApiOptions
{
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Token) && !string.IsNullOrWhiteSpace(TokenFile) && !File.Exists(TokenFile))
            yield return $"Detector:Api:TokenFile '{TokenFile}' does not exist.";
        for (var i = 0; i < AllowedHosts.Length; i++)
            if (string.IsNullOrWhiteSpace(AllowedHosts[i]) || Uri.CheckHostName(AllowedHosts[i].Trim('[', ']')) == UriHostNameType.Unknown)
                yield return $"Detector:Api:AllowedHosts:{i} '{AllowedHosts[i]}' is not a host name or address.";
    }
}

public sealed partial class EventWebhookOptions
{
    /// <summary>Never echoes the URL or the secret.</summary>
    public IEnumerable<string> Validate()
    {
        string? url, secret;
        try
        {
            url = Secrets.Read(Url, UrlFile);
            secret = Secrets.Read(Secret, SecretFile);
        }
        catch (IOException e)
        {
            return [$"Detector:Webhook: {e.Message}"];
        }
        var errors = new List<string>();
        if (url is not null && !WebhookAddress.TryCreate(url, out _))
            errors.Add("Detector:Webhook:Url is not an absolute http(s) URL.");
        if (url is not null && secret is null)
            errors.Add("Detector:Webhook:Secret (or SecretFile) is required with a webhook URL: receivers verify the signature with it.");
        if (QueueCapacity < 1) errors.Add("Detector:Webhook:QueueCapacity must be at least 1.");
        errors.AddRange(this.ValidateRetries("Detector:Webhook"));
        return errors;
    }
}

public sealed partial class SlackOptions
{
    /// <summary>Never echoes the webhook URL: its path is the secret.</summary>
    public IEnumerable<string> Validate()
    {
        string? url;
        try
        {
            url = Secrets.Read(WebhookUrl, WebhookUrlFile);
        }
        catch (IOException e)
        {
            return [$"Detector:Slack:WebhookUrlFile: {e.Message}"];
        }
        var errors = new List<string>();
        if (url is not null && !WebhookAddress.TryCreate(url, out _))
            errors.Add(string.IsNullOrWhiteSpace(WebhookUrl)
                ? "Detector:Slack:WebhookUrlFile does not hold an absolute http(s) URL."
                : "Detector:Slack:WebhookUrl is not an absolute http(s) URL.");
        if (QueueCapacity < 1) errors.Add("Detector:Slack:QueueCapacity must be at least 1.");
        errors.AddRange(this.ValidateRetries("Detector:Slack"));
        if (BurstThreshold < 1) errors.Add("Detector:Slack:BurstThreshold must be at least 1.");
        if (BurstWindowSeconds <= 0) errors.Add("Detector:Slack:BurstWindowSeconds must be positive.");
        if (CooldownSeconds < 0) errors.Add("Detector:Slack:CooldownSeconds must not be negative.");
        return errors;
    }
}

internal static class DeliveryRetryValidation
{
    /// <summary>The retry settings every outgoing HTTP peer shares (<see cref="IDeliveryRetryOptions"/>).</summary>
    public static IEnumerable<string> ValidateRetries(this IDeliveryRetryOptions options, string section)
    {
        if (options.MaxRetries < 0) yield return $"{section}:MaxRetries must not be negative.";
        if (options.AttemptTimeoutSeconds is < 0.1 or > 3600) yield return $"{section}:AttemptTimeoutSeconds must be between 0.1 and 3600.";
        if (options.TotalTimeoutSeconds < options.AttemptTimeoutSeconds || options.TotalTimeoutSeconds > 86400)
            yield return $"{section}:TotalTimeoutSeconds must be at least AttemptTimeoutSeconds and at most a day.";
        if (options.RetryBaseDelaySeconds is < 0 or > 3600) yield return $"{section}:RetryBaseDelaySeconds must be between 0 and 3600.";
    }
}
