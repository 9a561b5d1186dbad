using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Detector.Alerts;

/// <summary>
/// Takes messages from an <see cref="Outbox{TMessage}"/> one at a time and sends them, off every actor and stream
/// thread. At shutdown what is queued gets <c>drainSeconds</c>; a hanging peer never holds the host longer, and
/// what is left is counted as dropped.
/// </summary>
public abstract class OutboxDelivery<TMessage>(Outbox<TMessage> outbox, double drainSeconds, ILogger logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    /// <summary>The peer, for log lines ("Slack", "the event webhook").</summary>
    protected abstract string Peer { get; }

    /// <summary>Sends one message (retries included). Never throws except for cancellation.</summary>
    protected abstract Task SendAsync(TMessage message, CancellationToken cancellationToken);

    /// <summary>What a message is, for a log line (never its secret parts).</summary>
    protected abstract string Describe(TMessage message);

    protected abstract void CountDropped();

    public virtual Task StartAsync(CancellationToken cancellationToken)
    {
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
                    await SendAsync(message, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "Delivery of {Message} to {Peer} failed unexpectedly", Describe(message), Peer);
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
        var grace = Task.Delay(TimeSpan.FromSeconds(Math.Max(0, drainSeconds)), cancellationToken);
        await Task.WhenAny(_loop, grace);
        await _stopping.CancelAsync();
        await _loop;

        var left = 0;
        while (outbox.Reader.TryRead(out _)) left++;
        if (left <= 0) return;
        for (var i = 0; i < left; i++) CountDropped();
        logger.LogWarning("{Count} messages for {Peer} were still queued at shutdown and are not sent", left, Peer);
    }

    public void Dispose()
    {
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }
}
