using System.Diagnostics;
using Detector.Enforcement.Firewall;
using Detector.Tests.Deploy;
using Detector.Tests.Support;

namespace Detector.Tests.Integration.Netns.Topology;

/// <summary>
/// A Docker host in four network namespaces, built the way Docker builds it:
/// <code>
///   attacker 10.201.1.2 ──┐                 ┌── bridge 172.31.0.1 ── container 172.31.0.2:80 (real Nginx, shipped server block)
///                         ├── host ─────────┤
///   client   10.201.2.2 ──┘ (10.201.1.1,    └── FORWARD → DOCKER-USER (RETURN), then Docker's ACCEPTs, policy DROP
///                            10.201.2.1)        nat PREROUTING: tcp dport 80 → DNAT 172.31.0.2:80 (a published port)
/// </code>
/// The attacker and the client reach Nginx through the host's port 80; nothing masquerades on the way in, so Nginx
/// logs their own addresses. The php-fpm stand-in listens on a Unix socket (reachable from the container's network
/// namespace). Names are unique per topology; disposing deletes the namespaces, and with them every rule, set and link.
/// Shared by the integration tests and the ban-latency benchmark (linked into Detector.Benchmarks), so no xunit here.
/// </summary>
public sealed class DockerHostTopology : IAsyncDisposable
{
    public const string BridgeV4 = "172.31.0.1";
    public const string ContainerV4 = "172.31.0.2";
    public const string HostAttackerSideV4 = "10.201.1.1";
    public const string AttackerV4 = "10.201.1.2";
    public const string HostClientSideV4 = "10.201.2.1";
    public const string ClientV4 = "10.201.2.2";
    public const int PublishedPort = 80;

    /// <summary>What the attacker floods and the client polls: Nextcloud's front controller and status page.</summary>
    public const string AttackerPath = "/index.php/login";
    public const string ClientPath = "/status.php";

    /// <summary>Tools the topology drives, beyond the firewall backend's own.</summary>
    public static readonly string[] RequiredTools = ["ip", "iptables", "sysctl", "curl"];

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);
    private readonly ProcessRunner _plain = new();
    private readonly List<string> _namespaces = [];
    private readonly DirectoryInfo _work;
    private FakePhpFpm? _php;
    private ShippedNginx? _nginx;

    private DockerHostTopology()
    {
        Id = Guid.NewGuid().ToString("N")[..8];
        Host = $"dt-dh-{Id}";
        Container = $"dt-dc-{Id}";
        Attacker = $"dt-da-{Id}";
        Client = $"dt-dl-{Id}";
        HostRunner = In(Host);
        ContainerRunner = In(Container);
        AttackerRunner = In(Attacker);
        ClientRunner = In(Client);
        _work = Directory.CreateTempSubdirectory("detector-topology-");
    }

    public string Id { get; }
    public string Host { get; }
    public string Container { get; }
    public string Attacker { get; }
    public string Client { get; }
    public ProcessRunner HostRunner { get; }
    public ProcessRunner ContainerRunner { get; }
    public ProcessRunner AttackerRunner { get; }
    public ProcessRunner ClientRunner { get; }

    /// <summary>A scratch directory removed on dispose (data dirs, configuration files).</summary>
    public string WorkDirectory => _work.FullName;

    /// <summary>The container's Nginx access log: what the detector follows.</summary>
    public string AccessLog => _nginx!.AccessLog;

    public static ProcessRunner In(string ns) => new(["ip", "netns", "exec", ns]);

    /// <summary>Why this machine cannot build the topology (with <paramref name="tools"/> for the backend), or null.</summary>
    public static string? SkipReason(params string[] tools)
    {
        if (Privileges.OfThisProcess() is not { IsRoot: true, NetAdmin: true })
            return "the Docker-host topology needs root with CAP_NET_ADMIN (network namespaces, iptables)";
        var missing = RequiredTools.Concat(tools).Distinct().Where(t => !FirewallHost.ExecutableExists(t)).ToList();
        if (missing.Count > 0) return $"missing {string.Join(", ", missing)} (./test.sh installs the packages when run as root)";
        return ShippedNginx.MissingReason();
    }

    public static async Task<DockerHostTopology> StartAsync(CancellationToken cancellationToken = default)
    {
        var topology = new DockerHostTopology();
        try
        {
            await topology.BuildAsync(cancellationToken);
            return topology;
        }
        catch
        {
            await topology.DisposeAsync();
            throw;
        }
    }

    private async Task BuildAsync(CancellationToken cancellationToken)
    {
        foreach (var ns in new[] { Host, Container, Attacker, Client })
        {
            await Must(_plain, "ip", "netns", "add", ns);
            _namespaces.Add(ns);
            await Must(In(ns), "ip", "link", "set", "lo", "up");
        }

        var bridge = $"br{Id}";
        await Must(HostRunner, "ip", "link", "add", bridge, "type", "bridge");
        await Must(HostRunner, "ip", "addr", "add", $"{BridgeV4}/24", "dev", bridge);
        await Must(HostRunner, "ip", "link", "set", bridge, "up");
        await LinkAsync($"vc{Id}", Container, ContainerV4, BridgeV4, bridge, hostAddress: null);
        await LinkAsync($"va{Id}", Attacker, AttackerV4, HostAttackerSideV4, bridge: null, HostAttackerSideV4);
        await LinkAsync($"vl{Id}", Client, ClientV4, HostClientSideV4, bridge: null, HostClientSideV4);

        await Must(HostRunner, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        // Docker's filter rules for a published port, then the DOCKER-USER chain exactly as Docker creates it.
        await Must(HostRunner, "iptables", "-w", "5", "-P", "FORWARD", "DROP");
        await Must(HostRunner, "iptables", "-w", "5", "-A", "FORWARD", "-o", bridge, "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "ACCEPT");
        await Must(HostRunner, "iptables", "-w", "5", "-A", "FORWARD", "-o", bridge, "-d", $"{ContainerV4}/32", "-p", "tcp", "--dport", "80", "-j", "ACCEPT");
        await Must(HostRunner, "iptables", "-w", "5", "-A", "FORWARD", "-i", bridge, "-j", "ACCEPT");
        await Must(HostRunner, "iptables", "-w", "5", "-N", "DOCKER-USER");
        await Must(HostRunner, "iptables", "-w", "5", "-A", "DOCKER-USER", "-j", "RETURN");
        await Must(HostRunner, "iptables", "-w", "5", "-I", "FORWARD", "-j", "DOCKER-USER");
        await Must(HostRunner, "iptables", "-w", "5", "-t", "nat", "-A", "PREROUTING", "-p", "tcp", "--dport", $"{PublishedPort}",
            "-j", "DNAT", "--to-destination", $"{ContainerV4}:80");

        _php = new FakePhpFpm(Path.Combine(WorkDirectory, "php-fpm.sock")) { RecordRequests = false };
        _nginx = new ShippedNginx(ContainerV4, 80, _php.Upstream);
        foreach (var script in new[] { "index.php", "status.php" })
            File.WriteAllText(Path.Combine(_nginx.DocumentRoot, script), "<?php // stand-in; the fake php-fpm answers");
        _nginx.Start("ip", "netns", "exec", Container);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (await StatusAsync(ClientRunner, HostClientSideV4, ClientPath, cancellationToken: cancellationToken) != 200)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Nginx in {Container} did not answer through the published port; error log: {ReadNginxErrors()}");
            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>A veth pair from the host to <paramref name="ns"/> (eth0 there, default route via <paramref name="gateway"/>);
    /// the host end is enslaved to <paramref name="bridge"/> or carries <paramref name="hostAddress"/>.</summary>
    private async Task LinkAsync(string hostEnd, string ns, string address, string gateway, string? bridge, string? hostAddress)
    {
        await Must(_plain, "ip", "link", "add", hostEnd, "netns", Host, "type", "veth", "peer", "name", "eth0", "netns", ns);
        if (bridge is not null) await Must(HostRunner, "ip", "link", "set", hostEnd, "master", bridge);
        if (hostAddress is not null) await Must(HostRunner, "ip", "addr", "add", $"{hostAddress}/24", "dev", hostEnd);
        await Must(HostRunner, "ip", "link", "set", hostEnd, "up");
        var inside = In(ns);
        await Must(inside, "ip", "addr", "add", $"{address}/24", "dev", "eth0");
        await Must(inside, "ip", "link", "set", "eth0", "up");
        await Must(inside, "ip", "route", "add", "default", "via", gateway);
    }

    /// <summary>Gives the attacker another address on its link (a fresh offender for each benchmark run).</summary>
    public Task AddAttackerAddressAsync(string address) => Must(AttackerRunner, "ip", "addr", "add", $"{address}/24", "dev", "eth0");

    /// <summary>The HTTP status of one request on a new connection from a namespace through the published port; 0 when
    /// the connection failed (dropped packets: no answer within the connect timeout).</summary>
    public static async Task<int> StatusAsync(ProcessRunner from, string hostAddress, string path, string? sourceAddress = null,
        double connectTimeoutSeconds = 1, CancellationToken cancellationToken = default)
    {
        List<string> args = ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Connection: close",
            "--connect-timeout", connectTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "--max-time", "3"];
        if (sourceAddress is not null) args.AddRange(["--interface", sourceAddress]);
        args.Add($"http://{hostAddress}:{PublishedPort}{path}");
        var result = await from.RunAsync("curl", args, null, TimeSpan.FromSeconds(10), cancellationToken);
        return int.TryParse(result.StandardOutput.Trim(), out var status) ? status : 0;
    }

    public Task<int> AttackerStatusAsync(string? sourceAddress = null, CancellationToken cancellationToken = default) =>
        StatusAsync(AttackerRunner, HostAttackerSideV4, AttackerPath, sourceAddress, cancellationToken: cancellationToken);

    public Task<int> ClientStatusAsync(CancellationToken cancellationToken = default) =>
        StatusAsync(ClientRunner, HostClientSideV4, ClientPath, cancellationToken: cancellationToken);

    /// <summary>A bounded flood from the attacker namespace (see <see cref="Flood"/>).</summary>
    public Flood StartFlood(int requests, int parallel = 8, string? sourceAddress = null, int? requestsPerSecond = null) =>
        Flood.Start(Attacker, $"http://{HostAttackerSideV4}:{PublishedPort}{AttackerPath}", requests, parallel, sourceAddress, requestsPerSecond);

    /// <summary>The access-log lines (JSON text) Nginx wrote for <paramref name="address"/>, in order.</summary>
    public IReadOnlyList<string> AccessLogLinesFrom(string address)
    {
        if (!File.Exists(AccessLog)) return [];
        var needle = $"\"remote_addr\":\"{address}\"";
        using var stream = new FileStream(AccessLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
            if (line.Contains(needle, StringComparison.Ordinal)) lines.Add(line);
        return lines;
    }

    public string ReadNginxErrors()
    {
        var path = Path.Combine(_nginx?.Prefix.FullName ?? "", "logs", "error.log");
        return File.Exists(path) ? File.ReadAllText(path) : "(no error log)";
    }

    /// <summary>Runs a command in the host namespace and fails if it fails.</summary>
    public Task<ProcessResult> InHostAsync(params string[] argv) => Must(HostRunner, argv);

    /// <summary>Runs a command in the host namespace; the result, whatever it is.</summary>
    public Task<ProcessResult> TryInHostAsync(params string[] argv) => HostRunner.RunAsync(argv[0], argv[1..], null, CommandTimeout);

    private static async Task<ProcessResult> Must(IProcessRunner runner, params string[] argv)
    {
        var result = await runner.RunAsync(argv[0], argv[1..], null, CommandTimeout);
        if (!result.Succeeded) throw new InvalidOperationException($"{string.Join(' ', argv)} exit {result.ExitCode}: {result.StandardError}");
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        // Each step on its own: a failure in one must not leave namespaces behind.
        try { _nginx?.Dispose(); } catch (Exception e) when (e is IOException or InvalidOperationException) { }
        if (_php is not null) await _php.DisposeAsync();
        foreach (var ns in _namespaces)
            await _plain.RunAsync("ip", ["netns", "del", ns], null, CommandTimeout);
        try { _work.Delete(recursive: true); } catch (IOException) { }
    }
}

/// <summary>
/// A bounded HTTP flood: curl over N URLs from a namespace, <c>--parallel</c> or one at a time at a steady
/// <c>--rate</c>, each request on a new connection (<c>Connection: close</c>), every outcome ("200", or "000" for a
/// failed connection) one line on stdout.
/// </summary>
public sealed class Flood : IDisposable
{
    private readonly Process _process;
    private int _succeeded;
    private int _failed;

    private Flood(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { Length: > 0 } line) return;
            if (line.Trim() == "000") Interlocked.Increment(ref _failed);
            else Interlocked.Increment(ref _succeeded);
        };
        _process.ErrorDataReceived += (_, _) => { }; // curl's parallel progress meter
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Succeeded => Volatile.Read(ref _succeeded);
    public int Failed => Volatile.Read(ref _failed);
    public bool HasExited => _process.HasExited;

    public static Flood Start(string ns, string url, int requests, int parallel, string? sourceAddress, int? requestsPerSecond = null)
    {
        List<string> argv = ["netns", "exec", ns, "curl", "-s", "--connect-timeout", "1", "--max-time", "3",
            "-H", "Connection: close", "-A", "flood/1.0", "-o", "/dev/null", "-w", "%{http_code}\\n"];
        // curl 7.88 paces only sequential transfers.
        if (requestsPerSecond is { } rate) argv.AddRange(["--rate", $"{rate}/s"]);
        else if (parallel > 1) argv.AddRange(["--parallel", "--parallel-immediate", "--parallel-max", $"{parallel}"]);
        if (sourceAddress is not null) argv.AddRange(["--interface", sourceAddress]);
        argv.Add($"{url}?n=[1-{requests}]");
        var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in argv) info.ArgumentList.Add(arg);
        return new Flood(Process.Start(info) ?? throw new InvalidOperationException("curl did not start"));
    }

    /// <summary>Stops the flood (it is bounded, but after a ban its remaining requests would each wait for the connect timeout).</summary>
    public void Stop()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit(5000);
    }

    public void Dispose()
    {
        try { Stop(); } catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
