using System.CommandLine;
using Detector.Host.Composition;
using Detector.Host.DaemonClient;

namespace Detector.Host.Verbs;

/// <summary>Flags of the verbs that talk to the daemon.</summary>
public static class DaemonOptions
{
    public static readonly Option<string?> Url = new("--url") { Description = "The daemon's URL (default Detector:Api:Url, else Detector:Http:Url, else http://127.0.0.1:8080)." };
    public static readonly Option<string?> Token = new("--token") { Description = "API token for ban/unban (default Detector__Api__Token or the file Detector:Api:TokenFile)." };
    public static readonly Option<bool> Json = new("--json") { Description = "Print the API's JSON instead of a table." };

    /// <summary>Adds the shared flags to a verb.</summary>
    public static Command WithDaemonOptions(this Command command)
    {
        command.Options.Add(Url);
        command.Options.Add(Token);
        command.Options.Add(Json);
        command.Options.Add(CommonOptions.Config);
        return command;
    }

    /// <summary>The connection from flags and configuration; null (after a message) when that is invalid.</summary>
    public static DaemonConnection? Connect(ParseResult result, string verb, TextWriter error)
    {
        try
        {
            var options = DetectorConfiguration.Bind(DetectorConfiguration.Build(result.GetValue(CommonOptions.Config), new Dictionary<string, string?>()));
            return DaemonConnection.Resolve(options, result.GetValue(Url), result.GetValue(Token));
        }
        catch (Exception e) when (e is FormatException or IOException or InvalidDataException)
        {
            error.WriteLine($"{verb}: {e.Message}");
            return null;
        }
    }
}
