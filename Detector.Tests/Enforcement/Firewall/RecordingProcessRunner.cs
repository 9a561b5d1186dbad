using System.Collections.Concurrent;
using Detector.Enforcement.Firewall;

namespace Detector.Tests.Enforcement.Firewall;

/// <summary>Records every command and answers with a scripted result (exit 0, empty output unless told).</summary>
public sealed class RecordingProcessRunner(Func<FirewallCommand, ProcessResult?>? respond = null) : IProcessRunner
{
    public static readonly ProcessResult Ok = new(0, "", "");

    public ConcurrentQueue<FirewallCommand> Commands { get; } = new();

    public Task<ProcessResult> RunAsync(string file, IReadOnlyList<string> args, string? stdin, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var command = new FirewallCommand(file, args.ToList(), stdin);
        Commands.Enqueue(command);
        return Task.FromResult(respond?.Invoke(command) ?? Ok);
    }

    /// <summary>Each command as one line, "file arg arg …", for exact comparisons.</summary>
    public IReadOnlyList<string> Lines => Commands.Select(c => string.Join(' ', [c.File, .. c.Args])).ToList();

    /// <summary>Fails every command whose line starts with <paramref name="prefix"/>.</summary>
    public static RecordingProcessRunner Failing(string prefix, int exitCode = 1, string stderr = "error") =>
        new(c => string.Join(' ', [c.File, .. c.Args]).StartsWith(prefix, StringComparison.Ordinal) ? new ProcessResult(exitCode, "", stderr) : null);
}
