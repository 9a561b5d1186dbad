using System.Diagnostics;

namespace Detector.Benchmarks;

/// <summary>
/// Finds the Release build of Detector.Host (detector.dll), building it when it is missing.
/// <c>DETECTOR_DLL</c> overrides the path (to benchmark another build).
/// </summary>
internal static class DetectorHostLocator
{
    public static string ReleaseDll()
    {
        if (Environment.GetEnvironmentVariable("DETECTOR_DLL") is { Length: > 0 } overridden) return overridden;
        var solutionDir = FindSolutionDir();
        var project = Path.Combine(solutionDir, "Detector.Host", "Detector.Host.csproj");
        var dll = Path.Combine(solutionDir, "Detector.Host", "bin", "Release", "net10.0", "detector.dll");
        if (File.Exists(dll)) return dll;

        Console.WriteLine($"detector: {dll} missing, building Detector.Host (Release)");
        var build = new ProcessStartInfo("dotnet") { ArgumentList = { "build", "-c", "Release", project, "--nologo", "-v", "q" } };
        using var process = Process.Start(build) ?? throw new InvalidOperationException("could not start dotnet build");
        process.WaitForExit();
        if (process.ExitCode != 0 || !File.Exists(dll))
            throw new InvalidOperationException($"dotnet build of {project} failed (exit {process.ExitCode})");
        return dll;
    }

    private static string FindSolutionDir()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Detector.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"Detector.sln not found above {AppContext.BaseDirectory}");
    }
}
