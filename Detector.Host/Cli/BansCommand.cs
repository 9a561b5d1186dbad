using System.CommandLine;
using System.Text.Json;
using Detector.Host.Api;

namespace Detector.Host.Cli;

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

    public static async Task<int> RunAsync(DaemonConnection connection, bool json, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        using var api = new DaemonApi(connection);
        DaemonAnswer answer;
        try
        {
            answer = await api.GetAsync("/api/bans", cancellation);
        }
        catch (DaemonUnreachableException e)
        {
            return api.ReportUnreachable("bans", e, error);
        }
        if (!answer.IsSuccess) return api.ReportFailure("bans", answer, error);
        if (json)
        {
            output.WriteLine(answer.Body);
            return DaemonExitCode.Ok;
        }

        BansDto? bans;
        try
        {
            bans = JsonSerializer.Deserialize<BansDto>(answer.Body, DaemonApi.Json);
        }
        catch (JsonException e)
        {
            error.WriteLine($"bans: the daemon's answer is not the bans JSON: {e.Message}");
            return DaemonExitCode.DaemonError;
        }
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
        output.WriteLine($"{list.Count} active ban{(list.Count == 1 ? "" : "s")}");
        return DaemonExitCode.Ok;
    }
}
