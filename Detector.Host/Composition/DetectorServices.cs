using Akka.Hosting;
using Detector.Audit;
using Detector.Configuration;
using Detector.Pipeline;
using Detector.Enforcement;
using Detector.Enforcement.Firewall;
using Detector.Enforcement.Persistence;
using Detector.Hosting;
using Detector.Ingest;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using LogLevel = Akka.Event.LogLevel;

namespace Detector.Host.Composition;

/// <summary>How a verb wants the detector composed. <paramref name="Ledger"/> null keeps the offender ledger in
/// memory (replay: an analysis must not read or change a daemon's history).</summary>
public sealed record DetectorComposition(PipelineRun Run, IpWindowHosting Windows, string? AuditPath, LedgerPersistence? Ledger = null);

/// <summary>The backends <see cref="FirewallFactory"/> built, in configuration order.</summary>
public sealed record ConfiguredFirewalls(IReadOnlyList<IFirewall> All);

public static class DetectorServices
{
    /// <summary>The one place the features are composed; verbs and tests call this.</summary>
    public static IServiceCollection AddDetector(this IServiceCollection services, DetectorOptions options, DetectorComposition composition)
    {
        services.AddSingleton(Options.Create(options));
        services.AddSingleton(composition.Run);
        services.AddSingleton<IngestCounters>();
        services.AddSingleton<DetectionStats>();
        services.AddSingleton(new RecentAuditEvents());
        services.AddSingleton(TimeProvider.System);
        // One IFirewall per configured backend (ipset,nginx: two), built together (auto probes the host once).
        services.AddSingleton(sp => new ConfiguredFirewalls(FirewallFactory.Create(options.Enforcement, sp.GetRequiredService<ILoggerFactory>())));
        for (var i = 0; i < options.Enforcement.Firewall.Members().Count; i++)
        {
            var index = i;
            services.AddSingleton<IFirewall>(sp => sp.GetRequiredService<ConfiguredFirewalls>().All[index]);
        }
        services.AddSingleton(sp => FirewallStats.Combine(sp.GetServices<IFirewall>().Select(f => f.Stats).ToList()));
        services.AddSingleton<EnforcementStats>();
        // Tests register their own source first; the daemon reads the interfaces.
        services.TryAddSingleton<IHostAddressSource>(InterfaceHostAddresses.Instance);
        services.AddSlackAlerts(options.Slack);
        services.AddEventWebhook(options.Webhook);
        services.AddSingleton<Detector.Alerts.ISurgeBreadthSource, Detector.Alerts.DetectionSurgeBreadth>();

        services.AddAkka("detector", builder =>
        {
            builder.ConfigureLoggers(loggers =>
            {
                loggers.LogLevel = LogLevel.WarningLevel;
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            });
            if (composition.Windows == IpWindowHosting.Sharded) builder.WithDetectorCluster();
            builder
                .WithAudit(composition.AuditPath)
                .WithRecentAudit()
                .WithIpWindows(options.Detection, composition.Windows)
                .WithEnforcement(options, composition.Ledger ?? LedgerPersistence.InMemory())
                .WithSlackAlerts(options.Slack, options.Enforcement)
                .WithEventWebhook(options.Webhook);
        });

        services.AddSingleton<PipelineService>();
        services.AddHostedService(sp => sp.GetRequiredService<PipelineService>());
        // A daemon outlives churns; a replay ends.
        if (composition.Run.Mode == Detector.Ingest.Clock.ClockMode.Live) services.AddHostedService<MemoryTrimmer>();
        return services;
    }

    /// <summary>Audit file path: absolute as given, relative ones under the data dir.</summary>
    public static string AuditPath(DetectorOptions options) =>
        Path.IsPathRooted(options.Audit.Path) ? options.Audit.Path : Path.Combine(options.DataDir, options.Audit.Path);
}
