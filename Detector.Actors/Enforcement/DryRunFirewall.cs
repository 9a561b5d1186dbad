using Detector.Ingest;
using Microsoft.Extensions.Logging;

namespace Detector.Enforcement;

/// <summary>Logs the ipset commands the default backend would run, without touching the kernel.</summary>
public sealed class DryRunFirewall(ILogger<DryRunFirewall> logger) : IFirewall
{
    public string Name => "dry-run";

    public Task BanAsync(IpKey ip, TimeSpan? duration, CancellationToken cancellationToken = default)
    {
        var timeout = duration is { } d ? $" timeout {(long)d.TotalSeconds}" : "";
        logger.LogInformation("dry-run: would run ipset add {Set} {Ip}{Timeout} -exist", SetName(ip), ip, timeout);
        return Task.CompletedTask;
    }

    public Task UnbanAsync(IpKey ip, CancellationToken cancellationToken = default)
    {
        logger.LogInformation("dry-run: would run ipset del {Set} {Ip} -exist", SetName(ip), ip);
        return Task.CompletedTask;
    }

    private static string SetName(IpKey ip) => ip.IsV4 ? "detector-v4" : "detector-v6";
}
