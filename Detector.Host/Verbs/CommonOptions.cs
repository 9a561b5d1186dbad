using System.CommandLine;

namespace Detector.Host.Verbs;

/// <summary>Flags shared by several verbs, mapped onto configuration keys.</summary>
public static class CommonOptions
{
    public static readonly Option<string?> Config = new("--config") { Description = "Extra JSON configuration file (same shape as appsettings.json)." };
    public static readonly Option<string?> DataDir = new("--data-dir") { Description = "Directory for state and the audit log (Detector:DataDir)." };
    public static readonly Option<string?> Http = new("--http") { Description = "URL the HTTP endpoints listen on (default http://127.0.0.1:8080)." };
    public static readonly Option<string?> Firewall = new("--firewall") { Description = "Firewall backend: auto, ipset, nftables, iptables or dry-run (Detector:Enforcement:Firewall)." };
}
