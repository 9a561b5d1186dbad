using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Detector.Enforcement;
using Detector.Enforcement.Firewall;
using Detector.Ingest;
using Detector.Tests.Integration.Netns.Topology;
using Detector.Domain;
using Detector.Configuration;

namespace Detector.Benchmarks;

/// <param name="Runs">Floods measured, each from a fresh attacker address (a first offence every time).</param>
/// <param name="ReconcileBans">Bans in the bulk-reconcile measurement afterwards (0: skip it).</param>
public sealed record BanLatencyOptions(int Runs, int ReconcileBans)
{
    public static BanLatencyOptions Parse(string[] args)
    {
        var options = new BanLatencyOptions(20, 100_000);
        for (var i = 0; i < args.Length; i++)
        {
            options = args[i] switch
            {
                "--runs" when i + 1 < args.Length => options with { Runs = int.Parse(args[++i], CultureInfo.InvariantCulture) },
                "--reconcile" when i + 1 < args.Length => options with { ReconcileBans = int.Parse(args[++i].Replace("_", ""), CultureInfo.InvariantCulture) },
                _ => throw new ArgumentException($"unknown ban-latency option '{args[i]}'"),
            };
        }
        if (options.Runs is < 1 or > 200) throw new ArgumentException("--runs must be between 1 and 200");
        return options;
    }
}

/// <summary>
/// Time from an attacker's first flood request, as Nginx logged it, to its packets being dropped, on the real kernel:
/// the Docker-host topology of the integration tests (<see cref="DockerHostTopology"/>), the detector process in the
/// host namespace with the ipset backend, real Nginx with the shipped server block in the container namespace.
/// Each run floods from a new attacker address; the drop time is the attacker's last request Nginx still logged
/// (the flood keeps 8 connections opening, so the next one is the first to fail; the run checks that a new connection
/// from the address then fails). Both ends are Nginx's <c>$msec</c>, the same clock.
/// </summary>
public static class BanLatencyBenchmark
{
    /// <summary>Enough to outlast the ban at a few thousand requests a second; a run whose flood ended first is an error.</summary>
    private const int FloodRequests = 30_000;
    private const int FloodParallel = 8;

    public static async Task<int> RunAsync(BanLatencyOptions options)
    {
        if (DockerHostTopology.SkipReason("ipset") is { } reason)
        {
            Console.Error.WriteLine($"ban-latency: {reason}");
            return 1;
        }

        await using var topology = await DockerHostTopology.StartAsync();
        var config = DetectorProcess.WriteConfig(topology.WorkDirectory, "detector.json", new { Firewall = FirewallBackend.Ipset.Name() });
        using var detector = DetectorProcess.Start(topology.Host, topology.AccessLog, FirewallBackend.Ipset, Path.Combine(topology.WorkDirectory, "data"), config);
        await detector.WaitUntilFollowingAsync(() => topology.ClientStatusAsync(), TimeSpan.FromSeconds(60));
        Console.WriteLine($"ban-latency: detector (ipset, DOCKER-USER) following {topology.AccessLog}; {options.Runs} runs, " +
                          $"flood of up to {FloodRequests} requests, {FloodParallel} connections at a time, each on a new connection");
        Console.WriteLine($"{"run",4} {"address",-12} {"latency ms",10} {"BAN audited ms",15} {"requests logged",16} {"flood rate req/s",17}");

        var latencies = new List<double>();
        // Run 0 is the daemon's first ban (its ban path not yet compiled); shown, not counted.
        for (var run = 0; run <= options.Runs; run++)
        {
            var address = $"10.201.1.{10 + run}";
            await topology.AddAttackerAddressAsync(address);
            var measured = await MeasureAsync(topology, detector, address);
            if (run > 0) latencies.Add(measured.LatencyMs);
            Console.WriteLine($"{(run == 0 ? "warm" : run.ToString(CultureInfo.InvariantCulture)),4} {address,-12} {measured.LatencyMs,10:F0} {measured.AuditMs,15:F0} " +
                              $"{measured.Requests,16} {measured.RequestsPerSecond,17:F0}");
        }
        detector.KillHard();

        latencies.Sort();
        Console.WriteLine();
        Console.WriteLine($"first flood request logged -> packets dropped, {latencies.Count} runs: " +
                          $"p50 {Percentile(latencies, 50):F0} ms, p99 {Percentile(latencies, 99):F0} ms, " +
                          $"min {latencies[0]:F0} ms, max {latencies[^1]:F0} ms, mean {latencies.Average():F0} ms " +
                          $"(target p99 <= 1000 ms: {(Percentile(latencies, 99) <= 1000 ? "met" : "NOT met")})");

        if (options.ReconcileBans > 0) await MeasureReconcileAsync(topology, options.ReconcileBans);
        return 0;
    }

    /// <param name="AuditMs">When the BAN line was seen in the audit log (polled every 25 ms), from the first flood request.</param>
    private sealed record Measurement(double LatencyMs, double AuditMs, int Requests, double RequestsPerSecond);

    private static async Task<Measurement> MeasureAsync(DockerHostTopology topology, DetectorProcess detector, string address)
    {
        var deadline = TimeSpan.FromSeconds(30);
        double auditSeen;
        using (var flood = topology.StartFlood(FloodRequests, FloodParallel, address))
        {
            await detector.WaitForAuditAsync("BAN", address, deadline);
            auditSeen = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
            var clock = Stopwatch.StartNew();
            while (await DockerHostTopology.StatusAsync(topology.AttackerRunner, DockerHostTopology.HostAttackerSideV4,
                       DockerHostTopology.AttackerPath, address) != 0)
            {
                if (clock.Elapsed > deadline) throw new TimeoutException($"{address} was banned but its connections still succeed");
            }
            // The last logged request marks the drop only while the flood was still knocking.
            if (flood.HasExited || flood.Failed == 0 && flood.Succeeded >= FloodRequests)
                throw new InvalidOperationException($"the flood from {address} ended before its packets were dropped; raise FloodRequests");
            flood.Stop();
        }

        var times = topology.AccessLogLinesFrom(address)
            .Where(line => line.Contains("?n=", StringComparison.Ordinal))
            .Select(Msec)
            .Order()
            .ToList();
        if (times.Count == 0) throw new InvalidOperationException($"no flood line from {address} in the access log");
        var latency = (times[^1] - times[0]) * 1000;
        return new Measurement(latency, (auditSeen - times[0]) * 1000, times.Count, latency > 0 ? times.Count / (latency / 1000) : 0);
    }

    private static double Msec(string line)
    {
        using var json = JsonDocument.Parse(line);
        return double.Parse(json.RootElement.GetProperty("msec").GetString()!, CultureInfo.InvariantCulture);
    }

    /// <summary>Nearest rank: with 20 runs p99 is the slowest run.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double percentile)
    {
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    /// <summary>The ledger's bans into the set in one <c>ipset restore</c>, as the daemon reconciles at start.</summary>
    private static async Task MeasureReconcileAsync(DockerHostTopology topology, int count)
    {
        var firewall = new IpsetFirewall(new CommandExecutor(topology.HostRunner), IptablesTools.Plain);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var desired = Enumerable.Range(0, count)
            .Select(i => new DesiredBan(IpKey.FromV4(0x6440_0000u + (uint)i), i % 2 == 0 ? now + 600 + i : null)) // 100.64.0.0/10
            .ToList();

        var clock = Stopwatch.StartNew();
        var result = await firewall.ReconcileAsync(desired, now);
        var full = clock.Elapsed;
        clock.Restart();
        var again = await firewall.ReconcileAsync(desired, now);
        var noop = clock.Elapsed;

        Console.WriteLine($"ipset reconcile of {count:N0} bans: {full.TotalSeconds:F2} s (added {result.Added:N0}, removed {result.Removed}); " +
                          $"no-op reconcile over them: {noop.TotalSeconds:F2} s (added {again.Added}, removed {again.Removed})");
    }
}
