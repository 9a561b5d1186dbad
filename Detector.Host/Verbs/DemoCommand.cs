using System.CommandLine;
using Akka.Actor;
using Detector.Configuration;
using Detector.Host.Composition;
using Detector.Ingest;
using Detector.Simulation;
using Detector.Domain;

namespace Detector.Host.Verbs;

/// <summary>
/// <c>demo</c>: synthetic Nextcloud traffic written in real time to a temporary log, an attacker joining after
/// a short while, and the live daemon (dry-run firewall) following that log. Bans print as they happen.
/// </summary>
public static class DemoCommand
{
    public static readonly IpKey Attacker = IpKey.Parse("203.0.113.66");

    private static readonly Option<int> AttackAfter = new("--attack-after") { Description = "Seconds before the attacker starts.", DefaultValueFactory = _ => 20 };
    private static readonly Option<int> Duration = new("--duration") { Description = "Stop after this many seconds (default: until Ctrl+C).", DefaultValueFactory = _ => 0 };

    public static Command Create()
    {
        var command = new Command("demo", "See the detector work: synthetic traffic, an attacker, live bans (dry-run).")
        {
            AttackAfter, Duration, CommonOptions.Http,
        };
        command.SetAction(async (result, cancellation) =>
        {
            var directory = Directory.CreateTempSubdirectory("detector-demo-").FullName;
            var overrides = new Dictionary<string, string?> { ["Detector:Http:Url"] = result.GetValue(CommonOptions.Http) };
            if (!DetectorConfiguration.TryLoad(null, overrides, Console.Error, out var options)) return 2;
            options.DataDir = Path.Combine(directory, "data");
            options.Log.Path = Path.Combine(directory, "access.log");
            options.Log.FromStart = true;
            var seconds = result.GetValue(Duration);
            using var timeout = seconds > 0 ? new CancellationTokenSource(TimeSpan.FromSeconds(seconds)) : new CancellationTokenSource();
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellation, timeout.Token);
            return await RunAsync(options, TimeSpan.FromSeconds(result.GetValue(AttackAfter)), Console.Out, linked.Token);
        });
        return command;
    }

    /// <summary>Always with the dry-run firewall: the demo's attacker is made up.</summary>
    public static async Task<int> RunAsync(DetectorOptions options, TimeSpan attackAfter, TextWriter output, CancellationToken cancellation)
    {
        options.Enforcement.Firewall = FirewallBackend.DryRun;
        Directory.CreateDirectory(options.DataDir);
        var start = DateTimeOffset.UtcNow;
        var scenario = new TrafficScenario(seed: 7, start)
            .WithClients(80, ipv6Share: 0.1, meanTotalRatePerSecond: 10)
            .WithFlood(Attacker, attackAfter, TimeSpan.FromMinutes(3), ratePerSecond: 40);

        output.WriteLine($"demo: synthetic Nextcloud traffic -> {options.Log.Path}");
        output.WriteLine($"demo: attacker {Attacker} starts flooding in {attackAfter.TotalSeconds:F0} s; dashboard/health on {options.Http.Url}");
        output.WriteLine($"demo: audit log {DetectorServices.AuditPath(options)}; firewall dry-run");

        var app = RunCommand.BuildApp(options, RunCommand.DaemonComposition(options));
        await app.StartAsync(cancellation);
        ConsoleAuditPrinter.Attach(app.Services.GetRequiredService<ActorSystem>(), output);
        try
        {
            await WriteInRealTimeAsync(scenario, options.Log.Path, cancellation);
        }
        catch (OperationCanceledException)
        {
        }
        await app.StopAsync(CancellationToken.None);
        return 0;
    }

    /// <summary>Appends each generated line when the wall clock reaches its timestamp.</summary>
    private static async Task WriteInRealTimeAsync(TrafficScenario scenario, string path, CancellationToken cancellation)
    {
        await using var log = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { NewLine = "\n" };
        foreach (var line in scenario.Generate())
        {
            var wait = line.TimeMs - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            if (wait > 0)
            {
                await log.FlushAsync(cancellation);
                await Task.Delay(TimeSpan.FromMilliseconds(wait), cancellation);
            }
            await log.WriteLineAsync(line.Json.AsMemory(), cancellation);
        }
    }
}
