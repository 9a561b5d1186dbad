using System.CommandLine;
using System.Globalization;
using Detector.Host.Api;
using Detector.Domain;
using Detector.Host.DaemonClient;

namespace Detector.Host.Verbs;

/// <summary><c>status</c>: the running daemon's <c>/api/status</c> as a table (or its JSON).</summary>
public static class StatusCommand
{
    public static Command Create()
    {
        var command = new Command("status", "Show the running daemon's state: traffic, lag, baseline, bans, firewall.").WithDaemonOptions();
        command.SetAction(async (result, cancellation) =>
        {
            var connection = DaemonOptions.Connect(result, "status", Console.Error);
            if (connection is null) return DaemonExitCode.Usage;
            return await RunAsync(connection, result.GetValue(DaemonOptions.Json), Console.Out, Console.Error, cancellation);
        });
        return command;
    }

    public static Task<int> RunAsync(DaemonConnection connection, bool json, TextWriter output, TextWriter error, CancellationToken cancellation) =>
        DaemonQuery.ShowAsync<StatusDto>(connection, "status", "/api/status", json, output, error, status =>
        {
            if (status is null)
            {
                error.WriteLine("status: the daemon answered with an empty status.");
                return DaemonExitCode.DaemonError;
            }
            Write(status, connection.Url, output);
            return DaemonExitCode.Ok;
        }, cancellation);

    private static void Write(StatusDto s, Uri url, TextWriter output)
    {
        var b = s.Baseline;
        var malformed = s.Malformed.Values.Sum();
        var table = new TextTable("key", "value") { ShowHeaders = false }
            .Add("daemon", url.ToString().TrimEnd('/'))
            .Add("pipeline", s.Pipeline)
            .Add("uptime", Durations.Words((long)s.UptimeSeconds))
            .Add("event time", s.EventTime ?? "-")
            .Add("lag", s.LagSeconds is { } lag ? F(lag, "F1") + " s" : "-")
            .Add("lines", $"{N(s.Lines)} ({F(s.LinesPerSecond, "F1")}/s)")
            .Add("malformed", malformed == 0 ? "0" : $"{N(malformed)} ({string.Join(", ", s.Malformed.OrderByDescending(m => m.Value).Select(m => $"{m.Key}={N(m.Value)}"))})")
            .Add("global rate", F(s.GlobalRate, "F1") + " req/s")
            .Add("baseline", $"mean={F(b.Mean, "F1")} std={F(b.Std, "F1")} std60={F(b.Std60, "F1")} err={F(b.ErrorRate, "F3")} slot={b.Slot} ({(b.Warm ? "warm" : "warming up")}, {N(b.Points)} points)")
            .Add("per-IP baseline", $"mean={F(b.IpMean, "F1")} std={F(b.IpStd, "F1")}")
            .Add("active bans", N(s.ActiveBans))
            .Add("firewall", $"{s.Firewall.Backend} (applied {N(s.Firewall.Applied)}, failures {N(s.Firewall.Failures)})")
            .Add("cpu", F(s.CpuPercent, "F1") + " %")
            .Add("memory", F(s.MemoryMb, "F0") + " MB");
        table.WriteTo(output);
    }

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
