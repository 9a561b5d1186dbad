namespace Detector.Enforcement.Firewall;

/// <summary>Exponential backoff: the n-th retry waits FirstDelay × 2^(n-1), at most MaxDelay.</summary>
public sealed record RetryPolicy(int MaxAttempts, TimeSpan FirstDelay, TimeSpan MaxDelay)
{
    public static readonly RetryPolicy Default = new(4, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(2));

    public TimeSpan DelayBeforeRetry(int retry)
    {
        var ticks = FirstDelay.Ticks * Math.Pow(2, retry - 1);
        return ticks >= MaxDelay.Ticks ? MaxDelay : TimeSpan.FromTicks((long)ticks);
    }
}

/// <summary>Runs firewall commands through an <see cref="IProcessRunner"/> with a timeout each, retrying failures.</summary>
public sealed class CommandExecutor(
    IProcessRunner runner,
    RetryPolicy? retry = null,
    TimeSpan? timeout = null,
    Func<TimeSpan, CancellationToken, Task>? delay = null)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private readonly RetryPolicy _retry = retry ?? RetryPolicy.Default;
    private readonly TimeSpan _timeout = timeout ?? DefaultTimeout;
    private readonly Func<TimeSpan, CancellationToken, Task> _delay = delay ?? Task.Delay;

    public IProcessRunner Runner => runner;

    /// <summary>Runs until it succeeds or the attempts are spent; then throws <see cref="FirewallCommandException"/>.
    /// A missing executable is not retried.</summary>
    public async Task<ProcessResult> RunAsync(FirewallCommand command, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var result = await runner.RunAsync(command.File, command.Args, command.Stdin, _timeout, cancellationToken);
            if (result.Succeeded) return result;
            if (attempt >= _retry.MaxAttempts || result.ExitCode == ProcessResult.NotFound)
                throw new FirewallCommandException(command, result);
            await _delay(_retry.DelayBeforeRetry(attempt), cancellationToken);
        }
    }

    /// <summary>One attempt whose exit code is an answer (a check, a listing), not a failure.</summary>
    public Task<ProcessResult> ProbeAsync(FirewallCommand command, CancellationToken cancellationToken = default) =>
        runner.RunAsync(command.File, command.Args, command.Stdin, _timeout, cancellationToken);
}
