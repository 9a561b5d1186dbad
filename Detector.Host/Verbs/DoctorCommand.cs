using System.CommandLine;
using System.Globalization;
using System.Text;
using Detector.Configuration;
using Detector.Enforcement.Firewall;
using Detector.Enforcement.Firewall.Cloudflare;
using Detector.Host.Composition;
using Detector.Domain;
using Detector.Ingest;
using Detector.Ingest.Nextcloud;

namespace Detector.Host.Verbs;

/// <summary>
/// <c>doctor</c>: checks the host for what the daemon needs: firewall backend and iptables flavor, tools,
/// DOCKER-USER, privileges, the log and its format, the data dir. Exit code 1 when the detector could not
/// enforce bans as configured (or could not keep its state), 2 for bad configuration.
/// </summary>
public static class DoctorCommand
{
    private static readonly Option<string[]> LogPath = CommonOptions.Logs("Access log to check (Detector:Log:Path); repeatable, patterns allowed.");
    private static readonly Option<string[]> NextcloudLog = CommonOptions.NextcloudLogs();

    public static Command Create()
    {
        var command = new Command("doctor", "Check the host: firewall backend, DOCKER-USER, privileges, log path and format, data dir.")
        {
            LogPath, NextcloudLog, CommonOptions.DataDir, CommonOptions.Firewall, CommonOptions.Config,
        };
        command.SetAction(async (result, cancellation) =>
        {
            var overrides = new Dictionary<string, string?>
            {
                ["Detector:DataDir"] = result.GetValue(CommonOptions.DataDir),
                ["Detector:Enforcement:Firewall"] = result.GetValue(CommonOptions.Firewall),
            };
            CommonOptions.AddLogs(overrides, result.GetValue(LogPath));
            CommonOptions.AddNextcloudLogs(overrides, result.GetValue(NextcloudLog));
            if (!DetectorConfiguration.TryLoad(result.GetValue(CommonOptions.Config), overrides, Console.Error, out var options)) return 2;
            var errors = options.Validate();
            if (errors.Count > 0)
            {
                foreach (var error in errors) Console.Error.WriteLine($"configuration error: {error}");
                return 2;
            }
            var host = await FirewallHost.ProbeAsync(new ProcessRunner(), Privileges.OfThisProcess(), cancellationToken: cancellation);
            var report = Diagnose(options, host);
            if (options.Enforcement.Firewall.HasFlag(FirewallBackend.Cloudflare)) await CheckCloudflareAsync(report, options.Enforcement.Cloudflare, cancellation);
            report.WriteTo(Console.Out);
            return report.CanEnforce ? 0 : 1;
        });
        return command;
    }

    public static DoctorReport Diagnose(DetectorOptions options, FirewallHost host)
    {
        var report = new DoctorReport();
        var p = host.Privileges;
        var netAdmin = p.NetAdmin ? "CAP_NET_ADMIN yes" : "CAP_NET_ADMIN no";
        // Only a kernel backend needs CAP_NET_ADMIN; the nginx backend writes files and signals Nginx, the cloudflare one calls an API.
        var kernel = options.Enforcement.Firewall.OnThisHost();
        report.Add("firewall", "privileges", $"{(p.IsRoot ? "root" : $"uid {p.EffectiveUid?.ToString(CultureInfo.InvariantCulture) ?? "?"}")}, {netAdmin}",
            p.NetAdmin || kernel == 0 ? Level.Ok : Level.Problem);
        report.Add("firewall", "tools", string.Join(", ", FirewallHost.ToolNames.Select(t => $"{t} {(host.Has(t) ? "yes" : "no")}")));
        var flavor = host.Iptables.Flavor switch
        {
            IptablesFlavor.Nft => "nf_tables",
            IptablesFlavor.Legacy => "legacy",
            _ => "unknown",
        };
        report.Add("firewall", "iptables backend", $"{flavor} via {host.IptablesTools.Iptables} ({host.Iptables.Reason})",
            host.Iptables.Flavor == IptablesFlavor.Unknown && host.Has("iptables") ? Level.Warning : Level.Ok);
        if (host.Iptables.Default != IptablesFlavor.Unknown && host.Iptables.Default != host.Iptables.Flavor)
            report.Add("firewall", "flavor mismatch", $"`iptables` is {host.Iptables.Default} but the host's rules are in {flavor}: Detector uses {host.IptablesTools.Iptables}", Level.Warning);
        report.Add("firewall", "DOCKER-USER",
            !host.DockerUserExists ? "absent (no Docker here, or Docker has not started): INPUT only"
            : host.DockerUserJumpedFromForward ? "exists, jumped to from FORWARD: published ports are covered"
            : "exists but FORWARD does not jump to it: traffic to published ports would pass unbanned",
            host.DockerUserExists && !host.DockerUserJumpedFromForward ? Level.Warning : Level.Ok);

        var configured = options.Enforcement.Firewall.Name();
        report.Add("firewall", "auto would use", host.AutoBackend.Name());
        if (kernel != 0)
        {
            var effective = kernel == FirewallBackend.Auto ? host.AutoBackend : kernel;
            var missing = RequiredTools(effective).Where(t => !host.Has(t)).ToList();
            var (enforce, level) = effective switch
            {
                FirewallBackend.DryRun => ($"configured {configured}, effective dry-run: bans are logged, never applied", Level.Problem),
                _ when !p.NetAdmin => ($"configured {configured}: {effective.Name()} needs root or CAP_NET_ADMIN", Level.Problem),
                _ when missing.Count > 0 => ($"configured {configured}: {effective.Name()} needs {string.Join(", ", missing)}", Level.Problem),
                _ => ($"configured {configured}: bans go to {effective.Name()}", Level.Ok),
            };
            report.Add("firewall", "enforcement", enforce, level);
        }
        if (options.Enforcement.Firewall.HasFlag(FirewallBackend.Nginx)) CheckNginx(report, options.Enforcement.Nginx);

        CheckLog(report, options);
        CheckDataDir(report, options.DataDir);
        return report;
    }

    /// <summary>The nginx backend: can the detector write its directory, and can it reload Nginx.</summary>
    private static void CheckNginx(DoctorReport report, NginxBanOptions nginx)
    {
        var directory = nginx.Directory;
        var existing = directory;
        while (!Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent) existing = parent;
        var writable = Directory.Exists(existing) && CanWrite(existing);
        report.Add("nginx", "include directory",
            writable ? $"{directory}: writable ({NginxBanFile.BansFile} in the http block, {NginxBanFile.DenyFile} in each server block)"
                : $"{directory}: the detector cannot write here", writable ? Level.Ok : Level.Problem);
        if (!string.IsNullOrWhiteSpace(nginx.PidFile))
        {
            var pidReadable = File.Exists(nginx.PidFile);
            report.Add("nginx", "reload", pidReadable ? $"SIGHUP to the pid in {nginx.PidFile}" : $"{nginx.PidFile} does not exist (Nginx not running, or the file is not shared)",
                pidReadable ? Level.Ok : Level.Warning);
        }
        else
        {
            var program = nginx.EffectiveReloadCommand[0];
            var found = Path.IsPathRooted(program) ? File.Exists(program)
                : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => d.Length > 0 && File.Exists(Path.Combine(d, program)));
            report.Add("nginx", "reload", $"{string.Join(' ', nginx.EffectiveReloadCommand)}{(found ? "" : $": {program} not found")}",
                found ? Level.Ok : Level.Problem);
        }
    }

    private static bool CanWrite(string directory)
    {
        var probe = Path.Combine(directory, $".detector-doctor-{Environment.ProcessId}");
        try
        {
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The list is read with the configured token: a wrong token, account or list shows here, not at the first ban.</summary>
    public static async Task CheckCloudflareAsync(DoctorReport report, CloudflareOptions options, CancellationToken cancellation)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        try
        {
            var backend = FirewallFactory.Cloudflare(options);
            await backend.PrepareAsync(timeout.Token);
            var items = await backend.ListAsync(timeout.Token);
            report.Add("firewall", "cloudflare list", $"{options.ListId}: kind ip, {items.Count} item(s) of at most {options.MaxItems}",
                items.Count >= options.MaxItems ? Level.Warning : Level.Ok);
        }
        catch (Exception e) when (e is CloudflareApiException or OperationCanceledException)
        {
            report.Add("firewall", "cloudflare list", e is CloudflareApiException ? e.Message : "no answer within 15 s", Level.Problem);
        }
    }

    private static IEnumerable<string> RequiredTools(FirewallBackend backend) => backend switch
    {
        FirewallBackend.Ipset => ["ipset", "iptables"],
        FirewallBackend.Nftables => ["nft"],
        FirewallBackend.Iptables => ["iptables"],
        _ => [],
    };

    /// <summary>Lines from the end of a log that doctor reads to detect its format.</summary>
    private const int SampleLines = 200;

    private static void CheckLog(DoctorReport report, DetectorOptions options)
    {
        var files = LogFiles.Resolve(options.Log, out var problems);
        foreach (var problem in problems) report.Add("log", "pattern", problem, Level.Warning);
        foreach (var path in files) CheckLogFile(report, options.Log, path, files.Count > 1 ? $"log {path}" : "log");
        var nextcloud = LogFiles.ResolveNextcloud(options.Log, out var nextcloudProblems);
        foreach (var problem in nextcloudProblems) report.Add("nextcloud log", "pattern", problem, Level.Warning);
        foreach (var path in nextcloud) CheckNextcloudLog(report, options.Log, path, nextcloud.Count > 1 ? $"nextcloud log {path}" : "nextcloud log");
    }

    /// <summary>The last lines of a log, with a line about whether it exists and can be read; null when it cannot.</summary>
    private static IReadOnlyList<string>? ReadTail(DoctorReport report, string path, string section)
    {
        if (!File.Exists(path))
        {
            report.Add(section, "path", $"{path}: does not exist yet (the daemon waits for it)", Level.Warning);
            return null;
        }
        try
        {
            var lines = LastLines(path, SampleLines);
            report.Add(section, "path", $"{path}: exists, readable");
            return lines;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            report.Add(section, "path", $"{path}: exists, not readable ({e.Message})", Level.Problem);
            return null;
        }
    }

    /// <summary>Exists and readable; its last lines read as Nextcloud's JSON log; its last failed login.</summary>
    private static void CheckNextcloudLog(DoctorReport report, LogOptions options, string path, string section)
    {
        if (ReadTail(report, path, section) is not { } lines) return;
        var counters = new NextcloudCounters();
        var parser = new NextcloudLogParser(options.MaxLineBytes, counters);
        LoginFailure? last = null;
        foreach (var line in lines)
        {
            if (parser.Parse(Encoding.UTF8.GetBytes(line), out var kind, out var failure) is { } reason) counters.AddMalformed(reason);
            else if (kind == NextcloudLine.FailedLogin) last = failure;
        }
        var read = lines.Count - (int)counters.MalformedTotal;
        report.Add(section, "format", $"{read} of the last {lines.Count} line(s) read as Nextcloud's JSON log",
            read == 0 && lines.Count > 0 ? Level.Warning : Level.Ok);
        if (last is { } login)
        {
            var time = DateTimeOffset.FromUnixTimeMilliseconds(login.TimeMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            report.Add(section, "last failed login", $"from {login.Ip} at {time}, account {AccountNames.Pseudonym(login.Account.ToLowerInvariant())}");
        }
        else
        {
            report.Add(section, "last failed login", $"none in the last {lines.Count} line(s) (Nextcloud logs them at loglevel 2, warning, or lower)");
        }
        if (counters.MalformedTotal > 0)
            report.Add(section, "malformed", string.Join(", ", counters.MalformedByReason().Select(r => $"{r.Key}={r.Value}")), Level.Warning);
    }

    /// <summary>Exists and readable; its format (configured, or detected from its last lines); its last line that parses.</summary>
    private static void CheckLogFile(DoctorReport report, LogOptions options, string path, string section)
    {
        if (ReadTail(report, path, section) is not { } lines) return;
        if (lines.Count == 0)
        {
            report.Add(section, "last line", "the log is empty: nothing to check yet", Level.Warning);
            return;
        }

        var counters = new IngestCounters();
        var parser = new LogParser(options, counters);
        AccessLogEntry? last = null;
        foreach (var line in lines)
            if (parser.TryParse(Encoding.UTF8.GetBytes(line), out var entry)) last = entry;

        var configured = options.Format == LogFormat.Auto ? "detected" : "configured";
        if (last is not { } parsed)
        {
            var reasons = string.Join(", ", counters.MalformedByReason().Select(r => r.Key));
            report.Add(section, "format", options.Format == LogFormat.Auto
                ? $"not recognised in the last {lines.Count} line(s) (accepted: {LogFormatNames.Accepted})"
                : $"configured {options.Format.Name()}", Level.Warning);
            report.Add(section, "last line", $"does not parse ({reasons}); see README, Log input", Level.Warning);
            return;
        }
        report.Add(section, "format", $"{configured} {parser.Format.Name()}: {parser.Format.Describe()}");
        var time = DateTimeOffset.FromUnixTimeMilliseconds(parsed.TimeMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        report.Add(section, "last line", $"parses: {parsed.Ip} {parsed.Method} {Shorten(parsed.Path)} {parsed.Status} {parsed.Bytes} B at {time}, agent {Shorten(parsed.UserAgent)}");
        var malformed = counters.MalformedTotal;
        if (malformed > 0)
            report.Add(section, "malformed", $"{malformed} of the last {lines.Count} line(s) ({string.Join(", ", counters.MalformedByReason().Select(r => $"{r.Key}={r.Value}"))})",
                Level.Warning);
    }

    /// <summary>Text from the log shown on a terminal: control characters replaced, at most 80 characters.</summary>
    private static string Shorten(string text)
    {
        var clean = string.Concat(text.Take(80).Select(c => char.IsControl(c) || c is '\u202e' or '\u2028' or '\u2029' ? '?' : c));
        return text.Length > 80 ? clean + "…" : clean;
    }

    /// <summary>The last non-empty lines (at most <paramref name="count"/>), read from the file's last 256 KiB.</summary>
    private static IReadOnlyList<string> LastLines(string path, int count)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var length = (int)Math.Min(stream.Length, 256 * 1024);
        stream.Seek(-length, SeekOrigin.End);
        var buffer = new byte[length];
        stream.ReadExactly(buffer);
        var lines = Encoding.UTF8.GetString(buffer).Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList();
        // The first piece may be the end of a line cut by the 256 KiB window.
        if (length < stream.Length && lines.Count > 1) lines.RemoveAt(0);
        return lines.TakeLast(count).ToList();
    }

    private static void CheckDataDir(DoctorReport report, string dataDir)
    {
        var full = Path.GetFullPath(dataDir);
        var existed = Directory.Exists(full);
        try
        {
            Directory.CreateDirectory(full);
            var probe = Path.Combine(full, $".doctor-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            report.Add("data dir", "path", $"{full}: {(existed ? "exists" : "created")}, writable");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            report.Add("data dir", "path", $"{full}: not writable ({e.Message})", Level.Problem);
        }
    }

    public enum Level
    {
        Ok,
        Warning,
        Problem,
    }

    /// <summary>Findings by section; problems make the exit code non-zero.</summary>
    public sealed class DoctorReport
    {
        private readonly List<(string Section, string Item, string Text, Level Level)> _lines = [];

        public IReadOnlyList<(string Section, string Item, string Text, Level Level)> Lines => _lines;

        public bool CanEnforce => _lines.All(l => l.Level != Level.Problem);

        public void Add(string section, string item, string text, Level level = Level.Ok) => _lines.Add((section, item, text, level));

        public void WriteTo(TextWriter output)
        {
            foreach (var section in _lines.GroupBy(l => l.Section))
            {
                output.WriteLine(section.Key);
                foreach (var line in section)
                {
                    var mark = line.Level switch { Level.Problem => "PROBLEM ", Level.Warning => "warning ", _ => "" };
                    output.WriteLine($"  {line.Item,-17} {mark}{line.Text}");
                }
            }
            var problems = _lines.Count(l => l.Level == Level.Problem);
            output.WriteLine(problems == 0
                ? "result: ok, Detector can enforce bans here"
                : $"result: {problems} problem(s), Detector could not enforce bans as configured");
        }
    }
}
