using System.CommandLine;
using Akka.Actor;
using Detector.Configuration;
using Detector.Enforcement.Persistence;
using Detector.Host.Api;
using Detector.Host.Composition;
using Detector.Hosting;
using Serilog;

namespace Detector.Host.Verbs;

/// <summary><c>run</c>: the daemon. Follows the log, sharded IP windows on a self-joined cluster, HTTP on --http.</summary>
public static class RunCommand
{
    private static readonly Option<string[]> LogPath = CommonOptions.Logs(
        "Access log to follow (Detector:Log:Path); repeat it, or give a pattern such as /var/log/nginx/*.log, for several (Detector:Log:Paths).");
    private static readonly Option<string[]> NextcloudLog = CommonOptions.NextcloudLogs();
    private static readonly Option<bool> FromStart = new("--from-start") { Description = "Read the log from its beginning instead of its end." };

    public static Command Create()
    {
        var command = new Command("run", "Run the detector daemon on live access logs (Nginx, Apache, Caddy, Traefik; format detected).")
        {
            LogPath, NextcloudLog, FromStart, CommonOptions.DataDir, CommonOptions.Firewall, CommonOptions.Http, CommonOptions.Config,
        };
        command.SetAction((result, cancellation) =>
        {
            var overrides = new Dictionary<string, string?>
            {
                ["Detector:DataDir"] = result.GetValue(CommonOptions.DataDir),
                ["Detector:Enforcement:Firewall"] = result.GetValue(CommonOptions.Firewall),
                ["Detector:Http:Url"] = result.GetValue(CommonOptions.Http),
                ["Detector:Log:FromStart"] = result.GetValue(FromStart) ? "true" : null,
            };
            CommonOptions.AddLogs(overrides, result.GetValue(LogPath));
            CommonOptions.AddNextcloudLogs(overrides, result.GetValue(NextcloudLog));
            if (!DetectorConfiguration.TryLoad(result.GetValue(CommonOptions.Config), overrides, Console.Error, out var options))
                return Task.FromResult(2);
            return RunAsync(options, Console.Out, cancellation);
        });
        return command;
    }

    /// <summary>Runs until cancelled or stopped; BAN, UNBAN and ALERT lines are printed to <paramref name="output"/> as they
    /// happen; why it cannot start goes to <paramref name="errorOutput"/> (standard error by default).</summary>
    public static async Task<int> RunAsync(DetectorOptions options, TextWriter output, CancellationToken cancellation, TextWriter? errorOutput = null)
    {
        errorOutput ??= Console.Error;
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            foreach (var error in errors) errorOutput.WriteLine($"configuration error: {error}");
            return 2;
        }
        if (!CommonOptions.TryResolveLogs(options, "configuration error", out _)) return 2;
        if (DataDirectory.Check(options) is { } unwritable)
        {
            errorOutput.WriteLine($"cannot start: {unwritable}");
            return DataDirectory.CannotWriteExitCode;
        }
        await using var app = BuildApp(options, DaemonComposition(options));
        await app.StartAsync(cancellation);
        ConsoleAuditPrinter.Attach(app.Services.GetRequiredService<ActorSystem>(), output);
        await app.WaitForShutdownAsync(cancellation);
        return Environment.ExitCode;
    }

    /// <summary>How <c>run</c> composes the detector: live tail, sharded IP windows, audit log and SQLite ledger in the data dir.</summary>
    public static DetectorComposition DaemonComposition(DetectorOptions options) =>
        new(PipelineRun.Live(options.Log.FromStart), IpWindowHosting.Sharded, DetectorServices.AuditPath(options),
            LedgerPersistence.SqliteInDataDir(options.DataDir));

    /// <summary>The daemon's web application: detector services plus the HTTP endpoints.</summary>
    public static WebApplication BuildApp(DetectorOptions options, DetectorComposition composition)
    {
        // Content and web root beside the executable, so the dashboard is found whatever the working directory.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        builder.WebHost.UseUrls(options.Http.Url);
        // No endpoint takes more than a small JSON body; the mutating ones set a tighter limit of their own.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 64 * 1024);
        builder.Services.AddSerilog();
        builder.Services.AddDetector(options, composition);
        builder.Services.AddDetectorApi(ApiToken.From(options.Api));
        var app = builder.Build();
        app.MapDetectorEndpoints();
        return app;
    }
}
