using System.Globalization;
using Detector.Configuration;
using Detector.Pipeline;
using Detector.Ingest;

namespace Detector.Host.Verbs;

/// <summary>The replay verb's closing report: <c>key: value</c> lines that people and the benchmark both read.</summary>
/// <remarks>elapsed_s and lines_per_s cover the pipeline from its start to the flushed audit file; startup_s is
/// the host and actor system start before it. allocated_mb and gc_collections (gen 0/1/2) are the whole process's:
/// unlike time, they hardly move with the machine's load, so an A/B of two builds compares them exactly.</remarks>
public sealed class ReplaySummary(IngestCounters counters, DetectionStats stats, TimeSpan startup, TimeSpan elapsed, string auditPath)
{
    public void WriteTo(TextWriter output)
    {
        var seconds = Math.Max(elapsed.TotalSeconds, 1e-9);
        var malformed = counters.MalformedByReason();
        foreach (var (path, format) in counters.Files) Line(output, "log", $"{path} ({format.Name()})");
        foreach (var path in counters.Nextcloud.Files) Line(output, "nextcloud_log", path);
        Line(output, "lines", counters.Lines);
        Line(output, "entries", counters.Entries);
        Line(output, "malformed", malformed.Count == 0
            ? "0"
            : $"{counters.MalformedTotal} ({string.Join(", ", malformed.Select(m => $"{m.Key}={m.Value}"))})");
        Line(output, "late_clamped", stats.LateClamped);
        Line(output, "too_late", stats.TooLate);
        Line(output, "future_clamped", counters.FutureClamped);
        Line(output, "bans", stats.Bans);
        Line(output, "unbans", stats.Unbans);
        Line(output, "alerts", stats.Alerts);
        var nextcloud = counters.Nextcloud;
        if (nextcloud.Files.Count > 0)
        {
            var bad = nextcloud.MalformedByReason();
            Line(output, "nextcloud_failed_logins", nextcloud.FailedLogins);
            Line(output, "account_alerts", stats.AccountAlerts);
            Line(output, "nextcloud_malformed", bad.Count == 0 ? "0" : $"{nextcloud.MalformedTotal} ({string.Join(", ", bad.Select(m => $"{m.Key}={m.Value}"))})");
        }
        var addresses = stats.Addresses;
        Line(output, "addresses_peak", addresses.PeakTracked);
        Line(output, "addresses_evicted", addresses.Evicted);
        Line(output, "audit", auditPath);
        Line(output, "startup_s", startup.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture));
        Line(output, "elapsed_s", seconds.ToString("F2", CultureInfo.InvariantCulture));
        Line(output, "lines_per_s", ((long)(counters.Lines / seconds)).ToString(CultureInfo.InvariantCulture));
        Line(output, "peak_rss_mb", PeakRssMegabytes().ToString(CultureInfo.InvariantCulture));
        Line(output, "allocated_mb", GC.GetTotalAllocatedBytes() / (1024 * 1024));
        Line(output, "gc_collections", $"{GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}");
    }

    private static void Line(TextWriter output, string key, object value) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{key}: {value}"));

    /// <summary>VmHWM of this process (Linux); 0 where /proc is not available.</summary>
    public static long PeakRssMegabytes()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException)
        {
        }
        return 0;
    }
}
