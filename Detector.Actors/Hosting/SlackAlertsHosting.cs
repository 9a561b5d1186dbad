using Akka.Actor;
using Akka.Hosting;
using Detector.Alerts;
using Detector.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Detector.Enforcement;
using Detector.IpWindows;

namespace Detector.Hosting;

public static class SlackAlertsHostingExtensions
{
    /// <summary>
    /// Slack delivery services: <see cref="SlackDeliveryStats"/> always (the API shows it); with a webhook URL (from
    /// <c>Detector:Slack:WebhookUrl</c> or <c>WebhookUrlFile</c>) also the outbox, the resilient HTTP client and the
    /// delivery loop. Pair with <see cref="WithSlackAlerts"/>.
    /// </summary>
    /// <exception cref="IOException">The webhook URL file cannot be read.</exception>
    public static IServiceCollection AddSlackAlerts(this IServiceCollection services, SlackOptions options)
    {
        var stats = new SlackDeliveryStats();
        services.AddSingleton(stats);
        if (!WebhookAddress.TryCreate(Secrets.Read(options.WebhookUrl, options.WebhookUrlFile), out var webhook))
            return services;

        stats.Enabled = true;
        stats.WebhookHost = webhook!.Host;
        services.AddSingleton(webhook);
        services.AddSingleton(new SlackOutbox(options.QueueCapacity, stats));
        services.AddHttpClient(HttpSlackWebhookSender.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            // The default request logging prints the full URL, whose path is the webhook's secret.
            .RemoveAllLoggers()
            .AddResilienceHandler("slack-webhook", (pipeline, context) => DeliveryRetry.Configure(
                pipeline, options, stats.AddRetried, context.ServiceProvider.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddSingleton<ISlackWebhookSender, HttpSlackWebhookSender>();
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<SlackDeliveryService>(sp, options));
        services.AddHostedService(sp => sp.GetRequiredService<SlackDeliveryService>());
        return services;
    }

    /// <summary>The actor that turns detector events into Slack messages; nothing when no webhook is configured.
    /// Compose after <c>WithIpWindows</c> so a BAN can carry samples.</summary>
    public static AkkaConfigurationBuilder WithSlackAlerts(this AkkaConfigurationBuilder builder, SlackOptions options, EnforcementOptions enforcement) =>
        builder.WithActors((system, registry, resolver) =>
        {
            var outbox = resolver.GetService<SlackOutbox>();
            if (outbox is null) return;
            var settings = new SlackAlertSettings(
                options.EffectiveActions,
                TimeSpan.FromSeconds(options.CooldownSeconds),
                options.BurstThreshold,
                TimeSpan.FromSeconds(options.BurstWindowSeconds),
                TimeSpan.FromMilliseconds(options.DetailsTimeoutMs),
                enforcement.EffectiveLadder.Count,
                registry.TryGet<IpWindowActor>(out var windows) ? windows : null,
                resolver.GetService<ISurgeBreadthSource>(),
                options.IncludeAccountNames);
            var clock = resolver.GetService<TimeProvider>() ?? TimeProvider.System;
            registry.Register<SlackAlertActor>(
                system.ActorOf(SlackAlertActor.Props(settings, outbox, resolver.GetService<SlackDeliveryStats>(), clock), "slack-alerts"));
        });
}
