using Detector.Ingest;
using Microsoft.Extensions.Logging;

namespace Detector.Enforcement;

/// <summary>Logs the ipset commands the default backend would run, and remembers what would be in the set.</summary>
public sealed class DryRunFirewall(ILogger<DryRunFirewall> logger) : IFirewall
{
    private readonly HashSet<IpKey> _set = [];

    public string Name => "dry-run";

    public IReadOnlyCollection<IpKey> WouldBlock
    {
        get { lock (_set) return _set.ToList(); }
    }

    public Task BanAsync(IpKey ip, TimeSpan? duration, CancellationToken cancellationToken = default)
    {
        lock (_set) _set.Add(ip);
        var timeout = duration is { } d ? $" timeout {(long)d.TotalSeconds}" : "";
        logger.LogInformation("dry-run: would run ipset add {Set} {Ip}{Timeout} -exist", SetName(ip), ip, timeout);
        return Task.CompletedTask;
    }

    public Task UnbanAsync(IpKey ip, CancellationToken cancellationToken = default)
    {
        lock (_set) _set.Remove(ip);
        logger.LogInformation("dry-run: would run ipset del {Set} {Ip} -exist", SetName(ip), ip);
        return Task.CompletedTask;
    }

    private static string SetName(IpKey ip) => ip.IsV4 ? "detector-v4" : "detector-v6";
}
