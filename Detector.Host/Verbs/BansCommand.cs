using System.CommandLine;
using Detector.Host.Api;
using Detector.Host.DaemonClient;

namespace Detector.Host.Verbs;

/// <summary><c>bans</c>: the running daemon's active bans with tier and remaining time.</summary>
public static class BansCommand
{
    public static Command Create()
    {
        var command = new Command("bans", "List the running daemon's active bans.").WithDaemonOptions();
        command.SetAction(async (result, cancellation) =>
        {
            var connection = DaemonOptions.Connect(result, "bans", Console.Error);
            if (connection is null) return DaemonExitCode.Usage;
            return await RunAsync(connection, result.GetValue(DaemonOptions.Json), Console.Out, Console.Error, cancellation);
        });
        return command;
    }

    public static Task<int> RunAsync(DaemonConnection connection, bool json, TextWriter output, TextWriter error, CancellationToken cancellation) =>
        DaemonQuery.ShowAsync<BansDto>(connection, "bans", "/api/bans", json, output, error, bans => Write(bans, output), cancellation);

    private static int Write(BansDto? bans, TextWriter output)
    {
        if (bans?.Bans is not { Count: > 0 } list)
        {
            output.WriteLine("No active bans.");
            return DaemonExitCode.Ok;
        }

        var table = new TextTable("ip", "offence", "condition", "banned at", "expires at", "remaining");
        foreach (var ban in list)
            table.Add(
                ban.Ip,
                ban.Offence.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ban.Condition,
                ban.BannedAt,
                ban.Permanent ? "never" : ban.ExpiresAt ?? "-",
                ban.Permanent || ban.RemainingSeconds is null ? "permanent" : Durations.Words(ban.RemainingSeconds.Value));
        table.WriteTo(output);
        foreach (var range in list.Where(b => b.Members is { Count: > 0 }))
            output.WriteLine($"{range.Ip} holds {string.Join(", ", range.Members!)}");
        output.WriteLine($"{list.Count} active ban{(list.Count == 1 ? "" : "s")}");
        return DaemonExitCode.Ok;
    }
}
