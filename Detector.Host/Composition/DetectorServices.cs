using Akka.Hosting;
using Detector.Configuration;
using Detector.Detection.Pipeline;
using Detector.Enforcement;
using Detector.Hosting;
using Detector.Ingest;
using Microsoft.Extensions.Options;
using LogLevel = Akka.Event.LogLevel;

namespace Detector.Host.Composition;

/// <summary>How a verb wants the detector composed.</summary>
public sealed record DetectorComposition(PipelineRun Run, IpWindowHosting Windows, string? AuditPath);

public static class DetectorServices
{
    /// <summary>The one place the features are composed; verbs and tests call this.</summary>
    public static IServiceCollection AddDetector(this IServiceCollection services, DetectorOptions options, DetectorComposition composition)
    {
        services.AddSingleton(Options.Create(options));
        services.AddSingleton(composition.Run);
        services.AddSingleton<IngestCounters>();
        services.AddSingleton<DetectionStats>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IFirewall>(sp => FirewallFactory.Create(options.Enforcement.Firewall, sp.GetRequiredService<ILoggerFactory>()));
        services.AddSlackAlerts(options.Slack);

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
                .WithIpWindows(options.Detection, composition.Windows)
                .WithEnforcement(options.Enforcement)
                .WithSlackAlerts(options.Slack, options.Enforcement);
        });

        services.AddSingleton<PipelineService>();
        services.AddHostedService(sp => sp.GetRequiredService<PipelineService>());
        return services;
    }

    /// <summary>Audit file path: absolute as given, relative ones under the data dir.</summary>
    public static string AuditPath(DetectorOptions options) =>
        Path.IsPathRooted(options.Audit.Path) ? options.Audit.Path : Path.Combine(options.DataDir, options.Audit.Path);
}
