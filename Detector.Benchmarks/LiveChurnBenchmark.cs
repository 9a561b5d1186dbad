using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Detector.Benchmarks;

/// <summary>
/// <c>live-churn</c>: the daemon (<c>detector run</c>, dry-run firewall) follows a log to which this benchmark
/// appends, in real time, requests each from a new address (default 1,000,000 at 5,000 req/s) with one flooder among
/// them; meanwhile <c>/api/status</c> is asked every 250 ms and the daemon's RSS sampled; then it stays quiet until
/// RSS is under 500 MB (at most <c>--quiet-minutes</c>). Targets (issue 10): peak RSS ≤ 1.5 GB, no pipeline failure,
/// status p99 ≤ 1 s, RSS &lt; 500 MB within 10 minutes of quiet, the flooder banned. Exit 0 when all hold, 2 when one
/// is missed, 1 on failure.
/// </summary>
internal static class LiveChurnBenchmark
{
    private const double PeakTargetMb = 1536, QuietTargetMb = 500, StatusP99TargetMs = 1000;

    public static async Task<int> RunAsync(string[] args)
    {
        long addresses = 1_000_000;
        var rate = 5000;
        var quietMinutes = 10.0;
        var port = 18_480;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--addresses" when i + 1 < args.Length: addresses = long.Parse(args[++i].Replace("_", ""), CultureInfo.InvariantCulture); break;
                case "--rate" when i + 1 < args.Length: rate = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--quiet-minutes" when i + 1 < args.Length: quietMinutes = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--port" when i + 1 < args.Length: port = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown live-churn option '{args[i]}'");
            }
        }

        var workDir = Directory.CreateTempSubdirectory("detector-bench-live-churn-").FullName;
        var log = Path.Combine(workDir, "access.log");
        File.WriteAllText(log, "");
        var url = $"http://127.0.0.1:{port}";
        var dll = DetectorHostLocator.ReleaseDll();
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, "run", "--log", log, "--data-dir", Path.Combine(workDir, "data"), "--firewall", "dry-run", "--http", url },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var daemon = Process.Start(start) ?? throw new InvalidOperationException("could not start the detector");
        var bans = new List<string>();
        daemon.OutputDataReceived += (_, e) => { if (e.Data?.Contains(" BAN ", StringComparison.Ordinal) == true) lock (bans) bans.Add(e.Data); };
        // The daemon's own warnings and errors: under churn none may repeat without bound.
        var problems = new List<string>();
        daemon.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line && (line.Contains(" WRN ", StringComparison.Ordinal) || line.Contains(" ERR ", StringComparison.Ordinal)))
                lock (problems) problems.Add(line);
        };
        daemon.BeginOutputReadLine();
        daemon.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            if (!await WaitForStatusAsync(http, url)) return Fail(daemon, "the daemon did not answer /api/status within 60 s");
            Console.WriteLine($"daemon pid {daemon.Id} on {url}; {addresses:N0} new addresses at {rate:N0} req/s into {log}");

            using var stop = new CancellationTokenSource();
            var latencies = new List<double>();
            var states = new HashSet<string>();
            var poller = PollStatusAsync(http, url, latencies, states, stop.Token);
            var peakRssMb = 0.0;
            var sampler = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    peakRssMb = Math.Max(peakRssMb, RssMb(daemon.Id, "VmRSS:"));
                    await Task.Delay(500);
                }
            });

            var clock = Stopwatch.StartNew();
            await WriteChurnAsync(log, addresses, rate);
            var loadSeconds = clock.Elapsed.TotalSeconds;
            var rssAtEnd = RssMb(daemon.Id, "VmRSS:");
            Console.WriteLine($"written in {loadSeconds:F0} s; RSS {rssAtEnd:F0} MB; quiet now");

            var quiet = Stopwatch.StartNew();
            double? underTargetAfter = null;
            while (quiet.Elapsed.TotalMinutes < quietMinutes && !daemon.HasExited)
            {
                await Task.Delay(5000);
                var rss = RssMb(daemon.Id, "VmRSS:");
                if (rss >= QuietTargetMb) continue;
                underTargetAfter = quiet.Elapsed.TotalSeconds;
                break;
            }
            var rssQuiet = daemon.HasExited ? 0 : RssMb(daemon.Id, "VmRSS:");
            var hwm = daemon.HasExited ? 0 : RssMb(daemon.Id, "VmHWM:");
            await stop.CancelAsync();
            await Task.WhenAll(poller, sampler);

            latencies.Sort();
            var p99 = latencies.Count == 0 ? double.NaN : latencies[(int)Math.Min(latencies.Count - 1, Math.Ceiling(latencies.Count * 0.99) - 1)];
            var peak = Math.Max(peakRssMb, hwm);
            var failed = daemon.HasExited || states.Contains("failed") || states.Contains("stopped");
            bool flooderBanned;
            lock (bans) flooderBanned = bans.Exists(b => b.Contains($" BAN {ChurnLog.Flooder} ", StringComparison.Ordinal));
            Console.WriteLine();
            Console.WriteLine($"peak RSS             {peak:F0} MB (target <= {PeakTargetMb:F0}) {(peak <= PeakTargetMb ? "PASS" : "MISS")}");
            Console.WriteLine($"pipeline             {string.Join(", ", states.Order())} {(failed ? "MISS" : "PASS")}");
            Console.WriteLine($"/api/status          {latencies.Count} answers, p50 {Percentile(latencies, 0.5):F0} ms, p99 {p99:F0} ms, max {latencies.LastOrDefault():F0} ms (target p99 <= {StatusP99TargetMs:F0}) {(p99 <= StatusP99TargetMs ? "PASS" : "MISS")}");
            Console.WriteLine($"RSS after quiet      {rssQuiet:F0} MB {(underTargetAfter is { } s ? $"under {QuietTargetMb:F0} MB after {s:F0} s PASS" : $"not under {QuietTargetMb:F0} MB within {quietMinutes} min MISS")}");
            Console.WriteLine($"flooder banned       {(flooderBanned ? "yes PASS" : "no MISS")}");
            lock (problems)
            {
                Console.WriteLine($"daemon WRN/ERR lines {problems.Count}");
                foreach (var line in problems.Take(5)) Console.WriteLine("  " + line);
            }
            return peak <= PeakTargetMb && !failed && p99 <= StatusP99TargetMs && underTargetAfter is not null && flooderBanned ? 0 : 2;
        }
        finally
        {
            if (!daemon.HasExited)
            {
                daemon.Kill(entireProcessTree: true);
                await daemon.WaitForExitAsync();
            }
            Directory.Delete(workDir, recursive: true);
        }
    }

    /// <summary>Appends every 100 ms what the rate asks for, stamped with the wall clock, each from a new address;
    /// one flooder at 200 req/s for 30 s from the middle of the run.</summary>
    private static async Task WriteChurnAsync(string log, long addresses, int rate)
    {
        await using var writer = new StreamWriter(new FileStream(log, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { NewLine = "\n" };
        var clock = Stopwatch.StartNew();
        var floodFrom = TimeSpan.FromSeconds(addresses / (double)rate / 2);
        var floodTo = floodFrom + TimeSpan.FromSeconds(30);
        long written = 0, flooded = 0;
        while (written < addresses)
        {
            var due = Math.Min(addresses, (long)(clock.Elapsed.TotalSeconds * rate));
            var nowMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            for (; written < due; written++) await writer.WriteLineAsync(ChurnLog.Line(nowMs, ChurnLog.NewAddress(written)));
            if (clock.Elapsed >= floodFrom && clock.Elapsed < floodTo)
                for (var dueFlood = (long)((clock.Elapsed - floodFrom).TotalSeconds * 200); flooded < dueFlood; flooded++)
                    await writer.WriteLineAsync(ChurnLog.Line(nowMs, ChurnLog.Flooder));
            await writer.FlushAsync();
            await Task.Delay(100);
        }
    }

    private static async Task PollStatusAsync(HttpClient http, string url, List<double> latencies, HashSet<string> states, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var watch = Stopwatch.StartNew();
            try
            {
                using var document = JsonDocument.Parse(await http.GetStringAsync($"{url}/api/status", CancellationToken.None));
                latencies.Add(watch.Elapsed.TotalMilliseconds);
                if (document.RootElement.TryGetProperty("pipeline", out var pipeline) && pipeline.GetString() is { } state) states.Add(state);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                latencies.Add(watch.Elapsed.TotalMilliseconds);
                states.Add("unanswered");
            }
            try { await Task.Delay(250, stop); } catch (OperationCanceledException) { }
        }
    }

    private static async Task<bool> WaitForStatusAsync(HttpClient http, string url)
    {
        for (var i = 0; i < 120; i++)
        {
            try
            {
                await http.GetStringAsync($"{url}/api/status");
                return true;
            }
            catch (HttpRequestException) { await Task.Delay(500); }
        }
        return false;
    }

    private static double Percentile(List<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(sorted.Count * q) - 1)];

    private static double RssMb(int pid, string key)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith(key, StringComparison.Ordinal))
                    return long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
        }
        catch (IOException) { }
        return 0;
    }

    private static int Fail(Process daemon, string message)
    {
        Console.Error.WriteLine(message);
        return 1;
    }
}
