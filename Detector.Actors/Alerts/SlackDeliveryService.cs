using Detector.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Detector.Alerts;

/// <summary>
/// Takes messages from the outbox one at a time and hands them to the webhook sender, off every actor and stream
/// thread. At shutdown what is queued gets a short grace period; a hanging webhook never holds the host longer.
/// </summary>
public sealed class SlackDeliveryService(
    SlackOutbox outbox,
    ISlackWebhookSender sender,
    SlackWebhookAddress webhook,
    SlackOptions options,
    SlackDeliveryStats stats,
    ILogger<SlackDeliveryService> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("Slack alerts go to the webhook at {WebhookHost} (queue {Capacity})", webhook.Host, outbox.Capacity);
        _loop = Task.Run(() => DeliverAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task DeliverAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in outbox.Reader.ReadAllAsync(cancellationToken))
            {
                try
                {
                    await sender.SendAsync(message, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "Slack delivery of {Alert} failed unexpectedly", message.Summary);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        outbox.Close();
        if (_loop is null) return;
        var grace = Task.Delay(TimeSpan.FromSeconds(Math.Max(0, options.ShutdownDrainSeconds)), cancellationToken);
        await Task.WhenAny(_loop, grace);
        await _stopping.CancelAsync();
        await _loop;

        var left = 0;
        while (outbox.Reader.TryRead(out _)) left++;
        if (left <= 0) return;
        for (var i = 0; i < left; i++) stats.AddDropped();
        logger.LogWarning("{Count} Slack alerts were still queued at shutdown and are not sent", left);
    }

    public void Dispose() => _stopping.Dispose();
}
