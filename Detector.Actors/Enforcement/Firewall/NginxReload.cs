using System.Globalization;
using System.Runtime.InteropServices;
using Detector.Configuration;

namespace Detector.Enforcement.Firewall;

/// <summary>Makes Nginx read its configuration again. Throws (<see cref="NginxBackendException"/> or
/// <see cref="FirewallCommandException"/>) when it could not.</summary>
public interface INginxReload
{
    Task ReloadAsync(CancellationToken cancellationToken = default);
}

public sealed class NginxBackendException(string message) : Exception(message);

public static class NginxReloads
{
    /// <summary><c>Nginx:PidFile</c> set: a signal; otherwise the reload command (a host install's <c>nginx -s reload</c>).</summary>
    public static INginxReload From(NginxBanOptions options, CommandExecutor executor) =>
        string.IsNullOrWhiteSpace(options.PidFile)
            ? new CommandReload(executor, new FirewallCommand(options.EffectiveReloadCommand[0], options.EffectiveReloadCommand.Skip(1).ToList()))
            : new SignalReload(options.PidFile);
}

/// <summary>Runs a program with an argument list (no shell), with the executor's timeout and retries.</summary>
public sealed class CommandReload(CommandExecutor executor, FirewallCommand command) : INginxReload
{
    public FirewallCommand Command => command;

    public Task ReloadAsync(CancellationToken cancellationToken = default) => executor.RunAsync(command, cancellationToken);
}

/// <summary>
/// SIGHUP to the process whose id Nginx wrote to its pid file — what <c>nginx -s reload</c> does, without needing the
/// nginx binary or a shell where the detector runs (a container sharing Nginx's process namespace and pid file). The
/// file's text must be a positive number, and where <c>/proc</c> tells, that process must be named nginx: a stale
/// file never signals another program. The signal is sent with kill(2), not a command.
/// </summary>
public sealed partial class SignalReload(string pidFile, string procRoot = "/proc") : INginxReload
{
    private const int SigHup = 1;

    public Task ReloadAsync(CancellationToken cancellationToken = default)
    {
        var text = ReadStart(pidFile)
            ?? throw new NginxBackendException($"nginx reload: cannot read the pid file {pidFile}");
        if (!int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 0)
            throw new NginxBackendException($"nginx reload: the pid file {pidFile} does not hold a process id");
        if (Directory.Exists(procRoot))
        {
            var name = ReadStart(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "comm"))?.Trim()
                ?? throw new NginxBackendException($"nginx reload: no process {pid} (from {pidFile})");
            if (!name.StartsWith("nginx", StringComparison.Ordinal))
                throw new NginxBackendException($"nginx reload: process {pid} (from {pidFile}) is {name}, not nginx");
        }
        if (Kill(pid, SigHup) != 0)
            throw new NginxBackendException($"nginx reload: kill -HUP {pid} (from {pidFile}) failed: {Marshal.GetLastPInvokeErrorMessage()}");
        return Task.CompletedTask;
    }

    /// <summary>The first bytes of a small file (a pid, a process name: bounded whatever the file holds); null when it
    /// cannot be read (missing, a process that just ended, no permission).</summary>
    private static string? ReadStart(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            var buffer = new byte[64];
            var read = file.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            return System.Text.Encoding.ASCII.GetString(buffer, 0, read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
