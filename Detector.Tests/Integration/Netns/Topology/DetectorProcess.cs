using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Detector.Enforcement.Firewall;
using Detector.Configuration;

namespace Detector.Tests.Integration.Netns.Topology;

/// <summary>
/// The real detector daemon (<c>dotnet detector.dll run</c>) inside a network namespace, following a log, with its
/// data dir (SQLite ledger, audit log) and a configuration file of its own. Its console output is kept for diagnostics.
/// </summary>
public sealed class DetectorProcess : IDisposable
{
    public const string HttpUrl = "http://127.0.0.1:8080"; // the namespace's own loopback: no clash between runs

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly ProcessRunner _namespace;

    private DetectorProcess(Process process, ProcessRunner ns, string dataDir)
    {
        _process = process;
        _namespace = ns;
        DataDir = dataDir;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string DataDir { get; }
    public string AuditLog => Path.Combine(DataDir, "audit.log");
    public DateTime StartedAtUtc { get; } = DateTime.UtcNow;
    public bool HasExited => _process.HasExited;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        var elapsed = (DateTime.UtcNow - StartedAtUtc).TotalSeconds;
        lock (_output) _output.Append(System.Globalization.CultureInfo.InvariantCulture, $"+{elapsed:F2}s ").AppendLine(line);
    }

    /// <summary>detector.dll next to the running assembly: the test and benchmark projects reference Detector.Host.</summary>
    public static string Dll()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "detector.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("detector.dll is not next to the running assembly", dll);
    }

    /// <summary>Writes a <c>--config</c> file: <paramref name="enforcement"/> becomes the <c>Detector:Enforcement</c> section.</summary>
    public static string WriteConfig(string directory, string name, object enforcement)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, JsonSerializer.Serialize(new { Detector = new { Enforcement = enforcement } }));
        return path;
    }

    public static DetectorProcess Start(string ns, string log, FirewallBackend firewall, string dataDir, string configFile)
    {
        Directory.CreateDirectory(dataDir);
        var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "netns", "exec", ns, "dotnet", Dll(), "run", "--log", log, "--firewall", firewall.Name(),
                     "--data-dir", dataDir, "--http", HttpUrl, "--config", configFile })
            info.ArgumentList.Add(arg);
        return new DetectorProcess(Process.Start(info) ?? throw new InvalidOperationException("the detector did not start"),
            DockerHostTopology.In(ns), dataDir);
    }

    /// <summary>
    /// Waits until the daemon follows the log: <c>/healthz</c> answers and has counted a line. <paramref name="poke"/> makes
    /// a request (the client's) while it has not: a line written before the tail opened the file is not read.
    /// </summary>
    public async Task WaitUntilFollowingAsync(Func<Task> poke, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"the detector exited with {_process.ExitCode}:\n{Output}");
            var health = await _namespace.RunAsync("curl", ["-s", "--max-time", "1", $"{HttpUrl}/healthz"], null, TimeSpan.FromSeconds(5), cancellationToken);
            if (health.Succeeded && LinesCounted(health.StandardOutput) > 0) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the detector did not follow the log within {timeout.TotalSeconds:F0} s:\n{Output}");
            if (health.Succeeded) await poke();
            await Task.Delay(200, cancellationToken);
        }
    }

    private static long LinesCounted(string healthz)
    {
        try
        {
            using var json = JsonDocument.Parse(healthz);
            return json.RootElement.TryGetProperty("lines", out var lines) ? lines.GetInt64() : 0;
        }
        catch (JsonException)
        {
            return 0;
        }
    }

    public IReadOnlyList<string> AuditLines()
    {
        if (!File.Exists(AuditLog)) return [];
        using var stream = new FileStream(AuditLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line) lines.Add(line);
        return lines;
    }

    /// <summary>The first audit line "[time] ACTION ADDRESS | …", or null.</summary>
    public string? AuditLine(string action, string address) =>
        AuditLines().FirstOrDefault(l => l.Contains($"] {action} {address} |", StringComparison.Ordinal));

    /// <summary>Polls the audit log for the line until <paramref name="timeout"/>; throws with the daemon's output otherwise.</summary>
    public async Task<string> WaitForAuditAsync(string action, string address, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (AuditLine(action, address) is { } line) return line;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"no {action} {address} in the audit log within {timeout.TotalSeconds:F0} s; audit:\n" +
                                           string.Join('\n', AuditLines()) + $"\ndetector output:\n{Output}");
            await Task.Delay(25, cancellationToken);
        }
    }

    /// <summary>SIGKILL: no shutdown hook runs, nothing is flushed beyond what was already written.</summary>
    public void KillHard()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        try { KillHard(); } catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
