using System.Globalization;
using Detector.Configuration;

namespace Detector.Enforcement.Firewall;

/// <summary>The process's privileges from /proc/self/status: effective uid and CAP_NET_ADMIN in CapEff.</summary>
public sealed record Privileges(int? EffectiveUid, bool NetAdmin)
{
    private const int CapNetAdmin = 12;

    public bool IsRoot => EffectiveUid == 0;

    public static Privileges Parse(string procStatus)
    {
        int? uid = null;
        var netAdmin = false;
        foreach (var line in procStatus.Split('\n'))
        {
            if (line.StartsWith("Uid:", StringComparison.Ordinal))
            {
                var fields = line[4..].Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 1 && int.TryParse(fields[1], CultureInfo.InvariantCulture, out var euid)) uid = euid;
            }
            else if (line.StartsWith("CapEff:", StringComparison.Ordinal)
                     && ulong.TryParse(line[7..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var caps))
                netAdmin = (caps & (1UL << CapNetAdmin)) != 0;
        }
        return new Privileges(uid, netAdmin);
    }

    public static Privileges OfThisProcess()
    {
        try
        {
            return Parse(File.ReadAllText("/proc/self/status"));
        }
        catch (IOException)
        {
            return new Privileges(null, false);
        }
    }
}

/// <summary>What the host offers a firewall backend, probed once at start (and by <c>doctor</c>).</summary>
public sealed record FirewallHost(
    Privileges Privileges,
    IReadOnlyDictionary<string, bool> Tools,
    IptablesDetection Iptables,
    IptablesTools IptablesTools,
    bool DockerUserExists,
    bool DockerUserJumpedFromForward)
{
    public static readonly string[] ToolNames = ["ipset", "nft", "iptables", "ip6tables", "iptables-legacy", "iptables-nft"];

    public bool Has(string tool) => Tools.GetValueOrDefault(tool);

    /// <summary>What <c>--firewall auto</c> picks: dry-run without CAP_NET_ADMIN; else ipset (with iptables to hook
    /// it), nftables, literal iptables, in that order of preference.</summary>
    public FirewallBackend AutoBackend =>
        !Privileges.NetAdmin ? FirewallBackend.DryRun
        : Has("ipset") && Has("iptables") ? FirewallBackend.Ipset
        : Has("nft") ? FirewallBackend.Nftables
        : Has("iptables") ? FirewallBackend.Iptables
        : FirewallBackend.DryRun;

    public static async Task<FirewallHost> ProbeAsync(IProcessRunner runner, Privileges privileges, Func<string, bool>? toolExists = null,
        CancellationToken cancellationToken = default)
    {
        toolExists ??= ExecutableExists;
        var tools = ToolNames.ToDictionary(t => t, toolExists);
        var timeout = TimeSpan.FromSeconds(10);

        async Task<ProcessResult?> Run(string file, params string[] args)
        {
            if (!toolExists(file)) return null;
            var result = await runner.RunAsync(file, args, null, timeout, cancellationToken);
            return result.Succeeded ? result : null;
        }

        var version = await Run("iptables", "--version");
        var defaultFlavor = IptablesFlavorDetector.ParseVersion(version?.StandardOutput ?? "");
        var legacy = await Run("iptables-legacy-save");
        var nft = await Run("iptables-nft-save");
        var detection = IptablesFlavorDetector.Decide(defaultFlavor,
            legacy is null ? null : RulesetSummary.Parse(legacy.StandardOutput),
            nft is null ? null : RulesetSummary.Parse(nft.StandardOutput));
        var iptables = IptablesTools.For(detection.Flavor, toolExists);

        var dockerUser = await Run(iptables.Iptables, "-w", "5", "-S", FirewallSettings.DockerUserChain) is not null;
        var forward = await Run(iptables.Iptables, "-w", "5", "-S", "FORWARD");
        var jumped = forward is not null && forward.StandardOutput.Split('\n')
            .Any(l => l.StartsWith("-A FORWARD", StringComparison.Ordinal) && l.Contains("-j " + FirewallSettings.DockerUserChain, StringComparison.Ordinal));
        return new FirewallHost(privileges, tools, detection, iptables, dockerUser, jumped);
    }

    /// <summary>An executable of that name in PATH or the sbin directories (which a non-login PATH may lack).</summary>
    public static bool ExecutableExists(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/local/sbin", "/usr/sbin", "/sbin"])
            .Any(dir => File.Exists(Path.Combine(dir, name)));
    }
}
