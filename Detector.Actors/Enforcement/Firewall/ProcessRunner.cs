using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Detector.Enforcement.Firewall;

/// <summary>What a finished (or killed) process left behind. Exit code 127: the executable was not found.</summary>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError, bool TimedOut = false)
{
    public const int NotFound = 127;

    public bool Succeeded => ExitCode == 0 && !TimedOut;

    public string FirstErrorLine
    {
        get
        {
            if (TimedOut) return "timed out";
            var text = StandardError.Length > 0 ? StandardError : StandardOutput;
            var line = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
            return line ?? "(no output)";
        }
    }
}

/// <summary>Starts a program with an argument list (never a shell) and waits for it with a timeout.</summary>
public interface IProcessRunner
{
    Task<ProcessResult> RunAsync(string file, IReadOnlyList<string> args, string? stdin, TimeSpan timeout, CancellationToken cancellationToken = default);
}

/// <summary>
/// The real runner. An optional prefix runs every command through another program, e.g.
/// <c>ip netns exec NAME</c>, so tests apply a backend inside a network namespace and never touch the host.
/// A command that outlives its timeout is killed with its whole process tree.
/// </summary>
public sealed class ProcessRunner(IReadOnlyList<string>? prefix = null) : IProcessRunner
{
    public IReadOnlyList<string> Prefix { get; } = prefix ?? [];

    public async Task<ProcessResult> RunAsync(string file, IReadOnlyList<string> args, string? stdin, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var argv = Prefix.Concat([file]).Concat(args).ToList();
        var info = new ProcessStartInfo(Resolve(argv[0]))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in argv.Skip(1)) info.ArgumentList.Add(arg);
        info.Environment["LC_ALL"] = "C";

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new Win32Exception($"{argv[0]} did not start");
        }
        catch (Win32Exception e)
        {
            return new ProcessResult(ProcessResult.NotFound, "", $"{argv[0]}: {e.Message}");
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            var timedOut = false;
            try
            {
                if (stdin is not null)
                {
                    try
                    {
                        await process.StandardInput.WriteAsync(stdin.AsMemory(), deadline.Token);
                        process.StandardInput.Close();
                    }
                    catch (IOException)
                    {
                        // The program exited without reading all of its input; its exit code says why.
                    }
                }
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                timedOut = true;
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                await process.WaitForExitAsync(CancellationToken.None);
            }
            var result = new ProcessResult(process.ExitCode, await stdout, await stderr, timedOut);
            cancellationToken.ThrowIfCancellationRequested();
            return result;
        }
    }

    /// <summary>A bare name is looked up in PATH and the sbin directories, which a service's PATH may lack.</summary>
    private static string Resolve(string file)
    {
        if (file.Contains('/')) return file;
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(["/usr/local/sbin", "/usr/sbin", "/sbin"]))
        {
            var candidate = Path.Combine(dir, file);
            if (File.Exists(candidate)) return candidate;
        }
        return file;
    }
}
