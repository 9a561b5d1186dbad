namespace Detector.Enforcement.Firewall;

/// <summary>One program invocation: an executable, its exact argument list, and optional standard input.</summary>
public sealed record FirewallCommand(string File, IReadOnlyList<string> Args, string? Stdin = null)
{
    /// <summary>For logs and audit lines: "ipset add detector-v4 203.0.113.9 timeout 600 -exist"; bulk input is
    /// summarised by its line count.</summary>
    public override string ToString()
    {
        var text = Args.Count == 0 ? File : $"{File} {string.Join(' ', Args)}";
        if (Stdin is null) return text;
        var lines = Stdin.Count(c => c == '\n');
        return $"{text} <{lines} lines>";
    }

    public bool Equals(FirewallCommand? other) =>
        other is not null && File == other.File && Args.SequenceEqual(other.Args) && Stdin == other.Stdin;

    public override int GetHashCode() => HashCode.Combine(File, Args.Count, Stdin);
}

/// <summary>A command that still failed after its retries.</summary>
public sealed class FirewallCommandException(FirewallCommand command, ProcessResult result)
    : Exception($"{command} exit {result.ExitCode}: {result.FirstErrorLine}")
{
    public FirewallCommand Command { get; } = command;
    public ProcessResult Result { get; } = result;
}
