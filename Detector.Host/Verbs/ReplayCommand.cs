using Detector.Alerts;
using System.CommandLine;
using System.Diagnostics;
using Akka.Actor;
using Akka.Hosting;
using Detector.Audit;
using Detector.Configuration;
using Detector.Pipeline;
using Detector.Enforcement.Persistence;
using Detector.Host.Composition;
using Detector.Hosting;
using Detector.Ingest;
using Serilog;

namespace Detector.Host.Verbs;

/// <summary>
/// <c>replay</c>: the whole pipeline over a finished log at full speed, in the log's own time, with the dry-run
/// firewall; writes the audit file afresh (same input, same bytes) and prints a summary.
/// </summary>
public static class ReplayCommand
{
    private static readonly Argument<string[]> LogPath = new("log")
    {
        Description = "Access log(s) to replay, any supported format; several are merged in event time (patterns allowed).",
        Arity = ArgumentArity.OneOrMore,
    };
    private static readonly Option<string[]> NextcloudLog = CommonOptions.NextcloudLogs();
    private static readonly Option<string> Audit = new("--audit") { Description = "Audit file to write (replaced).", DefaultValueFactory = _ => "replay-audit.log" };
    private static readonly Option<bool> Slack = new("--slack") { Description = "Also alert the configured Slack webhook (off by default: a replay would re-announce old bans)." };
    private static readonly Option<bool> Webhook = new("--webhook") { Description = "Also post events to the configured event webhook (off by default, like --slack)." };

    public static Command Create()
    {
        var command = new Command("replay", "Replay a log through the whole pipeline in event time (dry-run firewall).")
        {
            LogPath, NextcloudLog, Audit, Slack, Webhook, CommonOptions.Config,
        };
        command.SetAction((result, cancellation) =>
        {
            if (!DetectorConfiguration.TryLoad(result.GetValue(CommonOptions.Config), new Dictionary<string, string?>(), Console.Error, out var options))
                return Task.FromResult(2);
            var logs = result.GetValue(LogPath)!;
            if (logs.Length == 1 && !LogFiles.IsPattern(logs[0])) options.Log.Path = logs[0];
            else options.Log.Paths = [.. logs];
            if (result.GetValue(NextcloudLog) is { Length: > 0 } nextcloud) options.Log.NextcloudLogs = [.. nextcloud];
            if (!result.GetValue(Slack)) options.Slack = new SlackOptions();
            if (!result.GetValue(Webhook)) options.Webhook = new EventWebhookOptions();
            return RunAsync(options, result.GetValue(Audit)!, Console.Out, cancellation);
        });
        return command;
    }

    /// <summary>Always with the dry-run firewall: a replay judges a finished log and never touches the host.</summary>
    public static async Task<int> RunAsync(DetectorOptions options, string auditPath, TextWriter output, CancellationToken cancellation)
    {
        options.Enforcement.Firewall = FirewallBackend.DryRun;
        var errors = options.Validate();
        var files = LogFiles.Resolve(options.Log, out var problems);
        var nextcloud = LogFiles.ResolveNextcloud(options.Log, out var nextcloudProblems);
        errors = [.. errors, .. problems, .. nextcloudProblems,
            .. files.Concat(nextcloud).Where(f => !File.Exists(f)).Select(f => $"log file '{f}' does not exist.")];
        if (errors.Count > 0)
        {
            foreach (var error in errors) Console.Error.WriteLine($"replay: {error}");
            return 2;
        }
        File.Delete(auditPath);

        // No host defaults: the options are already read, and the defaults would watch the working directory
        // (appsettings.json with reload on change), recursively, for the whole replay.
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Services.AddSerilog();
        builder.Services.AddDetector(options, new DetectorComposition(PipelineRun.Replay, IpWindowHosting.Local, auditPath, LedgerPersistence.InMemory()));
        using var host = builder.Build();

        var startup = Stopwatch.StartNew();
        await host.StartAsync(cancellation);
        startup.Stop();
        var stopwatch = Stopwatch.StartNew();
        await host.Services.GetRequiredService<PipelineService>().Completion();
        var registry = host.Services.GetRequiredService<ActorRegistry>();
        var audit = await registry.GetAsync<AuditWriter>(cancellation);
        await audit.Ask<AuditFlushed>(FlushAudit.Instance, TimeSpan.FromSeconds(30));
        if (registry.TryGet<SlackAlertActor>(out var slack))
            await slack.Ask<AlertsFlushed>(FlushAlerts.Instance, TimeSpan.FromSeconds(30));
        stopwatch.Stop();

        var summary = new ReplaySummary(
            host.Services.GetRequiredService<IngestCounters>(),
            host.Services.GetRequiredService<DetectionStats>(),
            startup.Elapsed,
            stopwatch.Elapsed,
            auditPath);
        await host.StopAsync(CancellationToken.None);
        summary.WriteTo(output);
        return 0;
    }
}
