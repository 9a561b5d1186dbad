using System.Diagnostics;

namespace Detector.Tests.Deploy;

/// <summary>The xunit side of <see cref="ShippedNginx"/>: skipping and <c>nginx -t</c>.</summary>
public sealed partial class ShippedNginx
{
    /// <summary>Skips the test, with the reason, when Nginx or the distribution's include files are missing.</summary>
    public static string RequireBinary()
    {
        if (MissingReason() is { } reason) Assert.Skip(reason);
        return Binary()!;
    }

    public async Task<(int ExitCode, string Output)> TestAsync()
    {
        var info = new ProcessStartInfo(RequireBinary()) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-t", "-p", Prefix.FullName, "-c", MainConfig }) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }
}
