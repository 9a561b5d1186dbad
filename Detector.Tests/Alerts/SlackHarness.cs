using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Hosting;
using Detector.Alerts;
using Detector.Audit;
using Detector.Configuration;
using Detector.Enforcement;
using Detector.Hosting;
using Detector.Ingest;
using Detector.IpWindows;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Detector.Domain;

namespace Detector.Tests.Alerts;

/// <summary>
/// Slack alerts composed with the production extensions (<c>AddSlackAlerts</c>, <c>WithSlackAlerts</c>) in a host whose
/// log output is captured, with a stand-in for the IP entities that answers a BAN's question.
/// Detector events are published on the event stream as the audit writer does.
/// </summary>
public sealed class SlackHarness : IAsyncDisposable
{
    private readonly IHost _host;

    private SlackHarness(IHost host, CapturedLogs logs)
    {
        _host = host;
        Logs = logs;
        System = host.Services.GetRequiredService<ActorSystem>();
        Stats = host.Services.GetRequiredService<SlackDeliveryStats>();
    }

    public ActorSystem System { get; }
    public SlackDeliveryStats Stats { get; }
    public CapturedLogs Logs { get; }
    public IServiceProvider Services => _host.Services;

    public static SlackOptions Options(Uri webhook, string secretPath = "/services/T000/B000/s3cr3tW3bh00k") => new()
    {
        WebhookUrl = new Uri(webhook, secretPath).ToString(),
        RetryBaseDelaySeconds = 0.01,
        AttemptTimeoutSeconds = 5,
        TotalTimeoutSeconds = 60,
        ShutdownDrainSeconds = 0.2,
    };

    public static async Task<SlackHarness> StartAsync(SlackOptions options, TimeProvider? clock = null)
    {
        var logs = new CapturedLogs();
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Trace).AddProvider(logs);
        builder.Services.AddSingleton(clock ?? TimeProvider.System);
        builder.Services.AddSlackAlerts(options);
        builder.Services.AddAkka("slack-test", akka =>
        {
            akka.ConfigureLoggers(loggers =>
            {
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            });
            akka.WithActors((system, registry) =>
            {
                registry.Register<IpWindowRegion>(system.ActorOf(Props.Create<StandInIpWindows>(), "ip-windows"));
            });
            akka.WithSlackAlerts(options, new EnforcementOptions());
        });
        var host = builder.Build();
        await host.StartAsync();
        var harness = new SlackHarness(host, logs);
        // Identify is answered after PreStart, so the actor is subscribed to the event stream from here on.
        if (harness.Stats.Enabled) await harness.System.ActorSelection("/user/slack-alerts").ResolveOne(TimeSpan.FromSeconds(10));
        return harness;
    }

    public void Publish(DetectorEvent e) => System.EventStream.Publish(e);

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    /// <summary>A second offence, banned for 10 minutes.</summary>
    public static BanImposed Ban(string ip)
    {
        var at = DateTimeOffset.Parse("2026-04-29T14:24:29Z").ToUnixTimeSeconds();
        return new BanImposed(at, IpKey.Parse(ip), 2, at + 600, "ip_zscore>3.0", 212.4, 11.2, 6.1);
    }

    /// <summary>Answers like an IP entity that saw a login flood.</summary>
    private sealed class StandInIpWindows : ReceiveActor
    {
        public StandInIpWindows() =>
            Receive<GetIpWindowState>(q => Sender.Tell(new IpWindowState(q.Ip, 0, new SecondCounts(600, 600, 600, 0), 10,
                null, ["/login", "/index.php/login"], ["python-requests/2.31"])));
    }
}

/// <summary>Every log message and exception text, whatever the level.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => _lines.ToArray();

    public string All => string.Join("\n", _lines);

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var structured = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? " {" + string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}")) + "}"
                : "";
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)}{structured}{(exception is null ? "" : "\n" + exception)}");
        }
    }
}
