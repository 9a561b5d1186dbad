using System.CommandLine;

namespace Detector.Host.Verbs;

/// <summary>Flags shared by several verbs, mapped onto configuration keys.</summary>
public static class CommonOptions
{
    public static readonly Option<string?> Config = new("--config") { Description = "Extra JSON configuration file (same shape as appsettings.json)." };
    public static readonly Option<string?> DataDir = new("--data-dir") { Description = "Directory for state and the audit log (Detector:DataDir)." };
    public static readonly Option<string?> Http = new("--http") { Description = "URL the HTTP endpoints listen on (default http://127.0.0.1:8080)." };
    /// <summary><c>--log PATH</c>, repeatable; a path may be a pattern (<c>/var/log/nginx/*.access.log</c>).</summary>
    public static Option<string[]> Logs(string description) => new("--log") { Description = description, AllowMultipleArgumentsPerToken = false };

    /// <summary>
    /// One log sets <c>Detector:Log:Path</c> (as a single <c>--log</c> always has); several set <c>Detector:Log:Paths</c>.
    /// </summary>
    public static void AddLogs(IDictionary<string, string?> overrides, IReadOnlyList<string>? logs)
    {
        if (logs is null || logs.Count == 0) return;
        if (logs.Count == 1 && !Ingest.LogFiles.IsPattern(logs[0]))
        {
            overrides["Detector:Log:Path"] = logs[0];
            return;
        }
        for (var i = 0; i < logs.Count; i++) overrides[$"Detector:Log:Paths:{i}"] = logs[i];
    }

    /// <summary><c>--nextcloud-log PATH</c>, repeatable, patterns allowed: Nextcloud's own <c>nextcloud.log</c>.</summary>
    public static Option<string[]> NextcloudLogs() => new("--nextcloud-log")
    {
        Description = "Nextcloud's own log (data/nextcloud.log) for failed logins per address and account (Detector:Log:NextcloudLogs); repeatable, patterns allowed.",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Sets <c>Detector:Log:NextcloudLogs</c> from the flags.</summary>
    public static void AddNextcloudLogs(IDictionary<string, string?> overrides, IReadOnlyList<string>? logs)
    {
        for (var i = 0; i < (logs?.Count ?? 0); i++) overrides[$"Detector:Log:NextcloudLogs:{i}"] = logs![i];
    }

    /// <summary>The access logs the options name, or the problems (a pattern matching nothing, in them or in the
    /// Nextcloud logs) printed and false.</summary>
    public static bool TryResolveLogs(Configuration.DetectorOptions options, string verb, out IReadOnlyList<string> files)
    {
        files = Ingest.LogFiles.Resolve(options.Log, out var problems);
        Ingest.LogFiles.ResolveNextcloud(options.Log, out var nextcloudProblems);
        foreach (var problem in problems.Concat(nextcloudProblems)) Console.Error.WriteLine($"{verb}: {problem}");
        return problems.Count == 0 && nextcloudProblems.Count == 0;
    }

    public static readonly Option<string?> Firewall = new("--firewall") { Description = "Firewall backend: auto, ipset, nftables, iptables, nginx or dry-run; several as a list, e.g. ipset,nginx (Detector:Enforcement:Firewall)." };
}
