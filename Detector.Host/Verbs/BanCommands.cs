using System.CommandLine;
using System.Text.Json;
using Detector.Host.Api;
using Detector.Ingest;
using Detector.Domain;
using Detector.Enforcement;
using Detector.Enforcement.Firewall;
using Detector.Host.DaemonClient;

namespace Detector.Host.Verbs;

/// <summary><c>ban IP [--duration 10m]</c> and <c>unban IP</c>: an operator's change, sent to the running daemon
/// with the API token. The address is checked here first, so a typo never reaches the daemon.</summary>
public static partial class BanCommands
{
    private static readonly Argument<string> Ip = new("ip") { Description = "IPv4 or IPv6 address." };
    private static readonly Option<string?> Duration = new("--duration") { Description = "Ban length: 90s, 10m, 2h, 1d or hh:mm:ss (default: the next step of the ban ladder)." };

    public static Command CreateBan()
    {
        var command = new Command("ban", "Ban an IP on the running daemon (needs the API token).") { Ip, Duration }.WithDaemonOptions();
        command.SetAction(async (result, cancellation) =>
        {
            var connection = DaemonOptions.Connect(result, "ban", Console.Error);
            if (connection is null) return DaemonExitCode.Usage;
            return await BanAsync(connection, result.GetValue(Ip)!, result.GetValue(Duration), result.GetValue(DaemonOptions.Json), Console.Out, Console.Error, cancellation);
        });
        return command;
    }

    public static Command CreateUnban()
    {
        var command = new Command("unban", "Lift an IP's ban, or a range ban with its members (2001:db8::/64), on the running daemon (needs the API token).") { Ip }.WithDaemonOptions();
        command.SetAction(async (result, cancellation) =>
        {
            var connection = DaemonOptions.Connect(result, "unban", Console.Error);
            if (connection is null) return DaemonExitCode.Usage;
            return await UnbanAsync(connection, result.GetValue(Ip)!, result.GetValue(DaemonOptions.Json), Console.Out, Console.Error, cancellation);
        });
        return command;
    }

    public static async Task<int> BanAsync(DaemonConnection connection, string ipText, string? durationText, bool json, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        if (!TryParseAddress(ipText, out var ip))
        {
            error.WriteLine($"ban: '{ipText}' is not an IP address.");
            return DaemonExitCode.Usage;
        }
        long? seconds = null;
        if (durationText is not null)
        {
            if (!Durations.TryParse(durationText, out var duration) || duration < TimeSpan.FromSeconds(1) || duration > BanLadder.MaxDuration)
            {
                error.WriteLine($"ban: --duration '{durationText}' is not a duration from 1s to {BanLadder.MaxDurationText}; use e.g. 90s, 10m, 2h, 1d or 00:10:00 (leave it out to follow the ban ladder).");
                return DaemonExitCode.Usage;
            }
            seconds = (long)duration.TotalSeconds;
        }

        using var api = new DaemonApi(connection);
        return await SendAsync(api, "ban", () => api.PostAsync("/api/bans", new BanRequest(ip.ToString(), seconds), cancellation), json, output, error);
    }

    public static async Task<int> UnbanAsync(DaemonConnection connection, string ipText, bool json, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        string target;
        if (TryParseAddress(ipText, out var ip)) target = ip.ToString();
        else if (BanTarget.TryParseRange(ipText, out var range)) target = range.ToString();
        else
        {
            error.WriteLine($"unban: '{ipText}' is not an IP address or a range such as 2001:db8::/64.");
            return DaemonExitCode.Usage;
        }
        using var api = new DaemonApi(connection);
        // The range's slash is encoded with the rest: one path segment.
        return await SendAsync(api, "unban", () => api.DeleteAsync("/api/bans/" + Uri.EscapeDataString(target), cancellation), json, output, error);
    }

    /// <summary>An address as an operator types it (<see cref="IpKey.TryParseStrict"/>, which the API uses too): the
    /// legacy IPv4 forms ("1.2.3" is 1.2.0.3, "010.0.0.1" is 8.0.0.1) are almost always typos.</summary>
    public static bool TryParseAddress(string text, out IpKey ip) => IpKey.TryParseStrict(text, out ip);

    private static Task<int> SendAsync(DaemonApi api, string verb, Func<Task<DaemonAnswer>> request, bool json, TextWriter output, TextWriter error) =>
        DaemonQuery.SendAsync(api, verb, request, json, output, error, answer =>
        {
            try
            {
                var result = JsonSerializer.Deserialize<ManualActionDto>(answer.Body, DaemonApi.Json);
                output.WriteLine(result?.Message is { Length: > 0 } message ? message : $"{verb}: done");
            }
            catch (JsonException)
            {
                output.WriteLine($"{verb}: done ({(int)answer.Status})");
            }
            return DaemonExitCode.Ok;
        });
}
