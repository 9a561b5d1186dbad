using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Detector.Benchmarks;

/// <summary>What the detector's <c>replay</c> verb reported, plus what the harness measured from outside.</summary>
/// <param name="Summary">The child's <c>key: value</c> summary lines (lines, elapsed_s, lines_per_s, peak_rss_mb…).</param>
/// <param name="WallSeconds">Process start to exit, measured by the harness.</param>
/// <param name="SampledPeakRssMb">Maximum VmHWM seen in /proc while the child ran.</param>
internal sealed record DetectorReplayResult(int ExitCode, IReadOnlyDictionary<string, string> Summary, double WallSeconds, double SampledPeakRssMb, IReadOnlyList<string> Output)
{
    public double? Number(string key) =>
        Summary.TryGetValue(key, out var text) && double.TryParse(text.Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;

    /// <summary>When the replay failed, says so with its last output on <paramref name="error"/>.</summary>
    public bool Failed(TextWriter error)
    {
        if (ExitCode == 0) return false;
        error.WriteLine($"detector replay failed with exit code {ExitCode}; last output:");
        foreach (var line in Output.TakeLast(30)) error.WriteLine("  " + line);
        return true;
    }
}

/// <summary>
/// Runs <c>dotnet detector.dll replay LOG --audit AUDIT</c> as a separate process (argument list,
/// no shell), drains its output, and samples its peak RSS from /proc every 50 ms.
/// </summary>
internal static class DetectorReplayRun
{
    private static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(50);
    /// <summary>A replay that takes this long is broken, not slow (1M lines should take seconds).</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    public static DetectorReplayResult Run(string detectorDll, string logPath, string auditPath)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { detectorDll, "replay", logPath, "--audit", auditPath },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var output = new ConcurrentQueue<string>();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };

        var stopwatch = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var peakKb = 0L;
        while (!process.WaitForExit(SampleInterval))
        {
            peakKb = Math.Max(peakKb, ReadVmHwmKb(process.Id));
            if (stopwatch.Elapsed <= Timeout) continue;
            output.Enqueue($"(harness) killed after {Timeout.TotalMinutes:F0} min without exiting");
            process.Kill(entireProcessTree: true);
        }
        process.WaitForExit(); // flushes the async output readers
        var wall = stopwatch.Elapsed.TotalSeconds;

        var lines = output.ToList();
        return new DetectorReplayResult(process.ExitCode, ParseSummary(lines), wall, peakKb / 1024.0, lines);
    }

    /// <summary>Peak resident set size of a live process in kB, or 0 once it has gone.</summary>
    private static long ReadVmHwmKb(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (!line.StartsWith("VmHWM:", StringComparison.Ordinal)) continue;
                var digits = line.AsSpan(6).Trim();
                var space = digits.IndexOf(' ');
                return long.Parse(space < 0 ? digits : digits[..space], CultureInfo.InvariantCulture);
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return 0;
    }

    /// <summary>Collects <c>key: value</c> lines whose key is a bare identifier; the last occurrence wins.</summary>
    private static Dictionary<string, string> ParseSummary(IEnumerable<string> lines)
    {
        var summary = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon <= 0) continue;
            var key = line[..colon].Trim();
            if (key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
                summary[key] = line[(colon + 2)..].Trim();
        }
        return summary;
    }
}
