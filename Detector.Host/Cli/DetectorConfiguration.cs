using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using Detector.Alerts;
using Detector.Configuration;
using Detector.Enforcement;
using Detector.Host.Composition;

namespace Detector.Host.Cli;

/// <summary>A configuration value that cannot be read as its option's type.</summary>
public sealed class InvalidConfigurationException(string message, Exception? inner = null) : FormatException(message, inner);

/// <summary>
/// Loads <c>Detector</c> options: appsettings.json beside the executable, an optional --config file,
/// environment (<c>Detector__Section__Key</c>), then command-line flags. Invalid values are reported, not thrown.
/// </summary>
public static class DetectorConfiguration
{
    public static IConfiguration Build(string? configFile, IReadOnlyDictionary<string, string?> overrides)
    {
        var builder = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true);
        if (configFile is not null) builder.AddJsonFile(Path.GetFullPath(configFile), optional: false);
        return builder
            .AddEnvironmentVariables()
            .AddInMemoryCollection(overrides.Where(kv => kv.Value is not null))
            .Build();
    }

    /// <exception cref="InvalidConfigurationException">A value does not convert to its option's type (a word where a
    /// number belongs, an unknown firewall backend); the message names the key.</exception>
    public static DetectorOptions Bind(IConfiguration configuration)
    {
        var options = new DetectorOptions();
        try
        {
            configuration.GetSection(DetectorOptions.Section).Bind(options);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidConfigurationException(Describe(e), e);
        }
        return options;
    }

    /// <summary><see cref="Build"/> and <see cref="Bind"/> for a verb: a value that does not bind is printed as a
    /// configuration error and the verb exits with 2.</summary>
    public static bool TryLoad(string? configFile, IReadOnlyDictionary<string, string?> overrides, TextWriter error,
        [NotNullWhen(true)] out DetectorOptions? options)
    {
        try
        {
            options = Bind(Build(configFile, overrides));
            return true;
        }
        catch (InvalidConfigurationException e)
        {
            error.WriteLine($"configuration error: {e.Message}");
            options = null;
            return false;
        }
    }

    // The binder says "Failed to convert configuration value at 'Detector:Log:PollIntervalMs' to type '…'" and keeps
    // the converter's reason inside: give the key first, then the reason.
    private static string Describe(InvalidOperationException e)
    {
        var key = Regex.Match(e.Message, "at '([^']+)'");
        var reason = e.InnerException?.Message ?? e.Message;
        return key.Success ? $"{key.Groups[1].Value}: {reason}" : e.Message;
    }

    /// <summary>Everything wrong with the options, in words an operator can act on.</summary>
    public static IReadOnlyList<string> Validate(DetectorOptions options)
    {
        var errors = new List<string>();
        try
        {
            BanLadder.Parse(options.Enforcement.EffectiveLadder);
        }
        catch (FormatException e)
        {
            errors.Add($"Detector:Enforcement:Ladder: {e.Message}");
        }
        var d = options.Detection;
        if (d.WindowSeconds is < 1 or > 3600) errors.Add("Detector:Detection:WindowSeconds must be between 1 and 3600.");
        if (d.ZScoreThreshold <= 0) errors.Add("Detector:Detection:ZScoreThreshold must be positive.");
        if (d.RateMultiplier <= 1) errors.Add("Detector:Detection:RateMultiplier must be greater than 1.");
        if (d.ErrorSurgeTightenFactor < 1) errors.Add("Detector:Detection:ErrorSurgeTightenFactor must be at least 1.");
        if (d.SustainedHorizonSeconds < 10 || d.SustainedHorizonSeconds < d.WindowSeconds)
            errors.Add("Detector:Detection:SustainedHorizonSeconds must be at least 10 and at least WindowSeconds.");
        if (d.SustainedRate < 0 || d.SurgeContributorRate < 0) errors.Add("Detector:Detection:SustainedRate and SurgeContributorRate must not be negative (0 turns a rule off).");
        if (d.AuthFailureMinCount < 0 || d.NotFoundMinCount < 0) errors.Add("Detector:Detection:AuthFailureMinCount and NotFoundMinCount must not be negative (0 turns a rule off).");
        if (d.SharedBarRaise < 1 || d.SharedBarMax < 1) errors.Add("Detector:Detection:SharedBarRaise and SharedBarMax must be at least 1 (1 turns the bar off).");
        if (d.GlobalMinAnomalousSeconds < 1) errors.Add("Detector:Detection:GlobalMinAnomalousSeconds must be at least 1.");
        var b = options.Baseline;
        if (b.HistoryMinutes < 1) errors.Add("Detector:Baseline:HistoryMinutes must be at least 1.");
        if (b.RecomputeSeconds < 1 || 60 % b.RecomputeSeconds != 0 && b.RecomputeSeconds % 60 != 0)
            errors.Add("Detector:Baseline:RecomputeSeconds must divide a minute or be whole minutes.");
        if (options.Log.MaxLineBytes < 256) errors.Add("Detector:Log:MaxLineBytes must be at least 256.");
        if (options.Log.PollIntervalMs < 10) errors.Add("Detector:Log:PollIntervalMs must be at least 10.");
        if (options.Clock.TickMs < 100) errors.Add("Detector:Clock:TickMs must be at least 100.");
        if (options.Enforcement.Ipv6PrefixLength is < 16 or > 128)
            errors.Add("Detector:Enforcement:Ipv6PrefixLength must be between 16 and 128.");
        var enforcement = options.Enforcement;
        if (enforcement.HistoryRetentionDays < 1) errors.Add("Detector:Enforcement:HistoryRetentionDays must be at least 1.");
        if (enforcement.IneffectiveGraceSeconds < 0) errors.Add("Detector:Enforcement:IneffectiveGraceSeconds must not be negative.");
        ValidateCidrs(errors, "Detector:Allowlist", options.Allowlist);
        ValidateCidrs(errors, "Detector:TrustedProxies", options.TrustedProxies);
        if (!Uri.TryCreate(options.Http.Url, UriKind.Absolute, out _)) errors.Add($"Detector:Http:Url '{options.Http.Url}' is not a URL.");
        var tokenFile = options.Api.TokenFile;
        if (string.IsNullOrWhiteSpace(options.Api.Token) && !string.IsNullOrWhiteSpace(tokenFile) && !File.Exists(tokenFile))
            errors.Add($"Detector:Api:TokenFile '{tokenFile}' does not exist.");
        errors.AddRange(ValidateSlack(options.Slack));
        return errors;
    }

    /// <summary>Never echoes the webhook URL: its path is the secret.</summary>
    private static IEnumerable<string> ValidateSlack(SlackOptions slack)
    {
        string? url;
        try
        {
            url = Secrets.Read(slack.WebhookUrl, slack.WebhookUrlFile);
        }
        catch (IOException e)
        {
            return [$"Detector:Slack:WebhookUrlFile: {e.Message}"];
        }
        var errors = new List<string>();
        if (url is not null && !SlackWebhookAddress.TryCreate(url, out _))
            errors.Add(string.IsNullOrWhiteSpace(slack.WebhookUrl)
                ? "Detector:Slack:WebhookUrlFile does not hold an absolute http(s) URL."
                : "Detector:Slack:WebhookUrl is not an absolute http(s) URL.");
        if (slack.QueueCapacity < 1) errors.Add("Detector:Slack:QueueCapacity must be at least 1.");
        if (slack.MaxRetries < 0) errors.Add("Detector:Slack:MaxRetries must not be negative.");
        if (slack.AttemptTimeoutSeconds is < 0.1 or > 3600) errors.Add("Detector:Slack:AttemptTimeoutSeconds must be between 0.1 and 3600.");
        if (slack.TotalTimeoutSeconds < slack.AttemptTimeoutSeconds || slack.TotalTimeoutSeconds > 86400)
            errors.Add("Detector:Slack:TotalTimeoutSeconds must be at least AttemptTimeoutSeconds and at most a day.");
        if (slack.RetryBaseDelaySeconds is < 0 or > 3600) errors.Add("Detector:Slack:RetryBaseDelaySeconds must be between 0 and 3600.");
        if (slack.BurstThreshold < 1) errors.Add("Detector:Slack:BurstThreshold must be at least 1.");
        if (slack.BurstWindowSeconds <= 0) errors.Add("Detector:Slack:BurstWindowSeconds must be positive.");
        if (slack.CooldownSeconds < 0) errors.Add("Detector:Slack:CooldownSeconds must not be negative.");
        return errors;
    }

    private static void ValidateCidrs(List<string> errors, string key, IReadOnlyList<string> entries)
    {
        for (var i = 0; i < entries.Count; i++)
            if (!Cidr.TryParse(entries[i], out _, out var error))
                errors.Add($"{key}:{i} '{entries[i]}' is not an address or CIDR block: {error}.");
    }
}
