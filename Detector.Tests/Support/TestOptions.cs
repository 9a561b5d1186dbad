using Detector.Configuration;

namespace Detector.Tests.Support;

/// <summary>
/// Options for tests that compose the real host (the daemon, the API, the dashboard). The code default firewall is
/// <see cref="FirewallBackend.Auto"/>, which as root would probe and change this machine's firewall; tests never do,
/// so they start from here (or set <see cref="FirewallBackend.DryRun"/> themselves). Replay and demo force dry-run.
/// </summary>
public static class TestOptions
{
    public static DetectorOptions DryRun(string? dataDir = null)
    {
        var options = new DetectorOptions();
        if (dataDir is not null) options.DataDir = dataDir;
        options.Enforcement.Firewall = FirewallBackend.DryRun;
        return options;
    }
}
