using Detector.Enforcement.Firewall;

namespace Detector.Tests.Enforcement.Firewall;

public class CommandExecutorTests
{
    private static readonly FirewallCommand Add = new("ipset", ["add", "detector-v4", "203.0.113.9", "timeout", "600", "-exist"]);

    [Fact]
    public async Task A_failing_command_is_retried_with_exponential_backoff_until_it_succeeds()
    {
        var attempts = 0;
        var runner = new RecordingProcessRunner(_ => ++attempts < 3 ? new ProcessResult(1, "", "ipset v7.17: Kernel error received: busy") : null);
        var delays = new List<TimeSpan>();
        var executor = new CommandExecutor(runner, new RetryPolicy(5, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1)),
            delay: (d, _) => { delays.Add(d); return Task.CompletedTask; });

        await executor.RunAsync(Add, TestContext.Current.CancellationToken);

        Assert.Equal(3, runner.Commands.Count);
        Assert.Equal([TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200)], delays);
    }

    [Fact]
    public async Task Backoff_is_bounded_and_the_last_failure_is_reported_with_command_exit_code_and_first_stderr_line()
    {
        var runner = new RecordingProcessRunner(_ => new ProcessResult(2, "", "ipset v7.17: The set with the given name does not exist\nUse -h for help\n"));
        var delays = new List<TimeSpan>();
        var executor = new CommandExecutor(runner, new RetryPolicy(5, TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(1)),
            delay: (d, _) => { delays.Add(d); return Task.CompletedTask; });

        var failure = await Assert.ThrowsAsync<FirewallCommandException>(() => executor.RunAsync(Add, TestContext.Current.CancellationToken));

        Assert.Equal(5, runner.Commands.Count);
        Assert.Equal([300, 600, 1000, 1000], delays.Select(d => d.TotalMilliseconds));
        Assert.Equal("ipset add detector-v4 203.0.113.9 timeout 600 -exist exit 2: ipset v7.17: The set with the given name does not exist", failure.Message);
    }

    [Fact]
    public async Task A_missing_executable_is_not_retried()
    {
        var runner = new RecordingProcessRunner(_ => new ProcessResult(ProcessResult.NotFound, "", "ipset: No such file or directory"));
        var executor = new CommandExecutor(runner, delay: (_, _) => throw new InvalidOperationException("no retry expected"));

        await Assert.ThrowsAsync<FirewallCommandException>(() => executor.RunAsync(Add, TestContext.Current.CancellationToken));

        Assert.Single(runner.Commands);
    }

    [Fact]
    public async Task The_real_runner_passes_arguments_verbatim_without_a_shell_and_feeds_stdin()
    {
        var runner = new ProcessRunner();

        var echo = await runner.RunAsync("printf", ["%s|", "a b", "$(id)", "; rm -rf /", "*"], null, TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        var cat = await runner.RunAsync("cat", [], "add detector-v4 192.0.2.1\n", TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal("a b|$(id)|; rm -rf /|*|", echo.StandardOutput);
        Assert.Equal("add detector-v4 192.0.2.1\n", cat.StandardOutput);
    }

    [Fact]
    public async Task The_real_runner_kills_a_command_that_outlives_its_timeout()
    {
        var result = await new ProcessRunner().RunAsync("sleep", ["30"], null, TimeSpan.FromMilliseconds(200), TestContext.Current.CancellationToken);

        Assert.True(result.TimedOut);
        Assert.False(result.Succeeded);
        Assert.Equal("timed out", result.FirstErrorLine);
    }

    [Fact]
    public async Task The_real_runner_reports_a_missing_executable_as_exit_127()
    {
        var result = await new ProcessRunner().RunAsync("detector-no-such-tool", [], null, TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);

        Assert.Equal(ProcessResult.NotFound, result.ExitCode);
    }
}
