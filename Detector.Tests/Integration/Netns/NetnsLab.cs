using System.Diagnostics;
using Detector.Enforcement.Firewall;
using Detector.Tests.Support;

namespace Detector.Tests.Integration.Netns;

/// <summary>
/// Two fresh network namespaces joined by a veth pair: "host" (10.200.0.1, fd00:200::1) runs a TCP listener and
/// Detector's firewall commands; "peer" (10.200.0.2, fd00:200::2) connects to it. The host's own firewall is
/// never touched. Names are unique per lab; Dispose deletes both namespaces (and with them every rule and set).
/// </summary>
public sealed class NetnsLab : IDisposable
{
    public const string HostV4 = "10.200.0.1";
    public const string PeerV4 = "10.200.0.2";
    public const string HostV6 = "fd00:200::1";
    public const string PeerV6 = "fd00:200::2";
    public const int Port = 8080;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly ProcessRunner _plain = new();
    private readonly List<string> _namespaces = [];
    private Process? _listener;

    private NetnsLab()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        Host = $"dt-h-{id}";
        Peer = $"dt-p-{id}";
        HostRunner = new ProcessRunner(["ip", "netns", "exec", Host]);
        PeerRunner = new ProcessRunner(["ip", "netns", "exec", Peer]);
    }

    public string Host { get; }
    public string Peer { get; }

    /// <summary>Runs commands inside the host namespace: what the backends under test get.</summary>
    public ProcessRunner HostRunner { get; }

    public ProcessRunner PeerRunner { get; }

    /// <summary>Why this machine cannot run the lab, or null when it can.</summary>
    public static string? SkipReason(params string[] tools)
    {
        if (Privileges.OfThisProcess() is not { IsRoot: true, NetAdmin: true })
            return "network-namespace tests need root with CAP_NET_ADMIN";
        var missing = tools.Concat(["ip", "socat"]).Where(t => !FirewallHost.ExecutableExists(t)).ToList();
        return missing.Count > 0
            ? $"missing {string.Join(", ", missing)} (./test.sh installs the packages when run as root)"
            : null;
    }

    public static async Task<NetnsLab> StartAsync()
    {
        var lab = new NetnsLab();
        try
        {
            await lab.BuildAsync();
            return lab;
        }
        catch
        {
            lab.Dispose();
            throw;
        }
    }

    private async Task BuildAsync()
    {
        var id = Host[5..];
        var hostIf = $"vh{id}";
        var peerIf = $"vp{id}";
        foreach (var ns in new[] { Host, Peer })
        {
            await Must(_plain, "ip", "netns", "add", ns);
            _namespaces.Add(ns);
        }
        await Must(_plain, "ip", "link", "add", hostIf, "netns", Host, "type", "veth", "peer", "name", peerIf, "netns", Peer);
        foreach (var (runner, link, v4, v6) in new[] { (HostRunner, hostIf, HostV4, HostV6), (PeerRunner, peerIf, PeerV4, PeerV6) })
        {
            await Must(runner, "ip", "link", "set", "lo", "up");
            await Must(runner, "ip", "addr", "add", $"{v4}/24", "dev", link);
            await Must(runner, "ip", "-6", "addr", "add", $"{v6}/64", "dev", link, "nodad");
            await Must(runner, "ip", "link", "set", link, "up");
        }

        var listen = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "netns", "exec", Host, "socat", $"TCP6-LISTEN:{Port},ipv6only=0,fork,reuseaddr", "EXEC:/bin/true" })
            listen.ArgumentList.Add(arg);
        _listener = Process.Start(listen);
        await Eventually.True(() => CanConnectAsync(HostV4).GetAwaiter().GetResult(), TimeSpan.FromSeconds(10), "the listener in the host namespace");
    }

    /// <summary>Whether a TCP connection from the peer to the host's listener completes within a second.</summary>
    public async Task<bool> CanConnectAsync(string hostAddress)
    {
        var target = hostAddress.Contains(':') ? $"TCP6:[{hostAddress}]:{Port},connect-timeout=1" : $"TCP4:{hostAddress}:{Port},connect-timeout=1";
        var result = await PeerRunner.RunAsync("socat", ["-u", "OPEN:/dev/null", target], null, TimeSpan.FromSeconds(10));
        return result.Succeeded;
    }

    /// <summary>Runs a command in the host namespace and fails the test if it fails.</summary>
    public Task<ProcessResult> InHostAsync(params string[] argv) => Must(HostRunner, argv);

    private static async Task<ProcessResult> Must(IProcessRunner runner, params string[] argv)
    {
        var result = await runner.RunAsync(argv[0], argv[1..], null, Timeout);
        if (!result.Succeeded) throw new InvalidOperationException($"{string.Join(' ', argv)} exit {result.ExitCode}: {result.StandardError}");
        return result;
    }

    public void Dispose()
    {
        if (_listener is { HasExited: false })
        {
            _listener.Kill(entireProcessTree: true);
            _listener.WaitForExit(5000);
        }
        _listener?.Dispose();
        foreach (var ns in _namespaces)
            _plain.RunAsync("ip", ["netns", "del", ns], null, Timeout).GetAwaiter().GetResult();
    }
}
