using Detector.Enforcement;

namespace Detector.Host.Composition;

public static class FirewallFactory
{
    public static bool IsKnown(string name) => name.ToLowerInvariant() is "dry-run" or "dryrun" or "auto";

    public static IFirewall Create(string name, ILoggerFactory loggers) => name.ToLowerInvariant() switch
    {
        "dry-run" or "dryrun" or "auto" => new DryRunFirewall(loggers.CreateLogger<DryRunFirewall>()),
        _ => throw new ArgumentException($"Unknown firewall backend '{name}'. This build supports: dry-run (kernel backends come with the enforcement work)."),
    };
}
