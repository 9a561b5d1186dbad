using Akka.Hosting;
using Detector.Alerts;
using Detector.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Detector.Hosting;

public static class EventWebhookHostingExtensions
{
    /// <summary>
    /// The event webhook's services: <see cref="EventWebhookStats"/> always (the API shows it); with a URL and a
    /// secret (<c>Detector:Webhook</c>) also the outbox, the resilient HTTP client and the delivery loop. Pair with
    /// <see cref="WithEventWebhook"/>.
    /// </summary>
    /// <exception cref="IOException">The URL or secret file cannot be read.</exception>
    public static IServiceCollection AddEventWebhook(this IServiceCollection services, EventWebhookOptions options)
    {
        var stats = new EventWebhookStats();
        services.AddSingleton(stats);
        var secret = Secrets.Read(options.Secret, options.SecretFile);
        if (!WebhookAddress.TryCreate(Secrets.Read(options.Url, options.UrlFile), out var webhook) || secret is null)
            return services;

        stats.Enabled = true;
        stats.WebhookHost = webhook!.Host;
        var outbox = new Outbox<EventWebhookMessage>(options.QueueCapacity, stats.AddDropped);
        stats.QueueDepth = () => outbox.Count;
        services.AddSingleton(outbox);
        services.AddHttpClient(EventWebhookDelivery.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            // The default request logging prints the full URL, whose path may be a secret.
            .RemoveAllLoggers()
            .AddResilienceHandler("event-webhook", (pipeline, context) => DeliveryRetry.Configure(
                pipeline, options, stats.AddRetried, context.ServiceProvider.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddSingleton(sp => new EventWebhookDelivery(outbox, sp.GetRequiredService<IHttpClientFactory>(), webhook, secret,
            options, stats, sp.GetService<TimeProvider>() ?? TimeProvider.System, sp.GetRequiredService<ILogger<EventWebhookDelivery>>()));
        services.AddHostedService(sp => sp.GetRequiredService<EventWebhookDelivery>());
        return services;
    }

    /// <summary>The actor that turns detector events into webhook messages; nothing when no webhook is configured.</summary>
    public static AkkaConfigurationBuilder WithEventWebhook(this AkkaConfigurationBuilder builder, EventWebhookOptions options) =>
        builder.WithActors((system, registry, resolver) =>
        {
            var outbox = resolver.GetService<Outbox<EventWebhookMessage>>();
            if (outbox is null) return;
            registry.Register<EventWebhookActor>(
                system.ActorOf(EventWebhookActor.Props(options.EffectiveActions, Environment.MachineName, outbox, options.IncludeAccountNames), "event-webhook"));
        });
}
