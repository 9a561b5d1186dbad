using System.Diagnostics;
using System.Net;
using System.Text;
using Detector.Configuration;
using Detector.Domain;
using Detector.Ingest;
using Detector.Tests.Support;

namespace Detector.Tests.Integration.RealServers;

/// <summary>
/// A real web server from the distribution, started in the foreground on loopback (IPv4 and IPv6) in a temporary
/// directory with its stock log format, the requests every spec sends, and the lines it wrote for them. The directory
/// is world-readable because Apache's workers drop to <c>nobody</c> when started as root.
/// </summary>
internal sealed class RealServer : IAsyncDisposable
{
    public const string Agent = "Mozilla/5.0 \"quoted\" <b> \\ back\\slash";
    public const string RobotsText = "User-agent: *\nDisallow: /\n";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private Process? _process;
    private readonly StringBuilder _output = new();

    public RealServer()
    {
        Root = Directory.CreateTempSubdirectory("detector-real-server-").FullName;
        Directory.CreateDirectory(WebRoot);
        File.WriteAllText(Path.Combine(WebRoot, "robots.txt"), RobotsText);
        const UnixFileMode open = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        File.SetUnixFileMode(Root, open);
        File.SetUnixFileMode(WebRoot, open);
        Port = Ports.Free();
    }

    public string Root { get; }
    public string WebRoot => Path.Combine(Root, "www");
    public int Port { get; }
    public string PathIn(string name) => Path.Combine(Root, name);

    /// <summary>Nginx's temporary directories under <paramref name="root"/> (an http block's lines): a test's Nginx
    /// writes nothing outside its own directory.</summary>
    public static string NginxTempPaths(string root) => $"""
        client_body_temp_path {root}/body;
        proxy_temp_path {root}/proxy;
        fastcgi_temp_path {root}/fastcgi;
        uwsgi_temp_path {root}/uwsgi;
        scgi_temp_path {root}/scgi;
        """;

    /// <summary>Skips the test with a reason when the binary is missing.</summary>
    public static string Require(string binary, string package)
    {
        if (!File.Exists(binary)) Assert.Skip($"{binary} is not installed (./test.sh installs the Debian package {package} when run as root)");
        return binary;
    }

    public void Start(string binary, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var info = new ProcessStartInfo(binary) { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = Root };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>
    /// Waits for the server to answer, then sends the requests every spec checks: a 200 with a body, a 404 whose path
    /// has an encoded quote, a HEAD, and the 200 again from ::1. Returns what the log must hold for them, in order.
    /// </summary>
    public async Task<IReadOnlyList<ExpectedRequest>> SendRequestsAsync()
    {
        using var v4 = Client(IPAddress.Loopback);
        await Eventually.True(() =>
        {
            if (_process is { HasExited: true }) throw new InvalidOperationException($"the server exited: {Output}");
            try { return v4.GetAsync("/robots.txt?ready").Result.StatusCode == HttpStatusCode.OK; }
            catch (AggregateException) { return false; }
        }, Deadline, "the server to answer");

        var ct = TestContext.Current.CancellationToken;
        var start = DateTimeOffset.UtcNow;
        Assert.Equal(HttpStatusCode.OK, (await v4.GetAsync("/robots.txt", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await v4.GetAsync("/apps/missing/wp-login.php?x=%22", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await v4.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/robots.txt"), ct)).StatusCode);
        using var v6 = Client(IPAddress.IPv6Loopback);
        Assert.Equal(HttpStatusCode.OK, (await v6.GetAsync("/robots.txt?v6", ct)).StatusCode);
        Started = start;
        return
        [
            new(IpKey.Parse("127.0.0.1"), "GET", "/robots.txt", 200),
            new(IpKey.Parse("127.0.0.1"), "GET", "/apps/missing/wp-login.php?x=%22", 404),
            new(IpKey.Parse("127.0.0.1"), "HEAD", "/robots.txt", 200),
            new(IpKey.Parse("::1"), "GET", "/robots.txt?v6", 200),
        ];
    }

    /// <summary>When the checked requests began (the readiness probe before it is left out).</summary>
    public DateTimeOffset Started { get; private set; }

    /// <summary>The log's lines for the checked requests, once the last of them is written (polled, bounded).</summary>
    public async Task<string[]> LinesAsync(string logFile, int count)
    {
        var path = PathIn(logFile);
        var lines = await Eventually.Until(() =>
        {
            if (!File.Exists(path)) return null;
            var all = File.ReadAllLines(path).Where(l => !l.Contains("?ready", StringComparison.Ordinal)).ToArray();
            return all.Length >= count ? all : null;
        }, Deadline, $"{count} lines in {path}");
        return lines[..count];
    }

    /// <summary>Parses the lines as the detector does (format detected), asserting none is malformed.</summary>
    public static (List<AccessLogEntry> Entries, LogFormat Format) Parse(IEnumerable<string> lines)
    {
        var counters = new IngestCounters();
        var parser = new LogParser(new LogOptions(), counters);
        var entries = lines.Select(line =>
        {
            Assert.True(parser.TryParse(Encoding.UTF8.GetBytes(line), out var entry), $"{string.Join(", ", counters.MalformedByReason())}: {line}");
            return entry;
        }).ToList();
        Assert.Equal(0, counters.MalformedTotal);
        return (entries, parser.Format);
    }

    /// <summary>Address, method, path, status and agent of each entry are those of the request, its time within the run.</summary>
    public void AssertMatches(IReadOnlyList<ExpectedRequest> expected, IReadOnlyList<AccessLogEntry> entries, bool millisecondTimes)
    {
        Assert.Equal(expected, entries.Select(e => new ExpectedRequest(e.Ip, e.Method, e.Path, e.Status)));
        Assert.All(entries, e => Assert.Equal(Agent, e.UserAgent));
        // Combined formats log whole seconds.
        var from = millisecondTimes ? Started.ToUnixTimeMilliseconds() - 1 : Started.ToUnixTimeSeconds() * 1000;
        Assert.All(entries, e => Assert.InRange(e.TimeMs, from, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        if (!millisecondTimes) Assert.All(entries, e => Assert.Equal(0, e.TimeMs % 1000));
    }

    private string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    private HttpClient Client(IPAddress address)
    {
        var host = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://{host}:{Port}") };
        http.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", Agent);
        return http;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

internal sealed record ExpectedRequest(IpKey Ip, string Method, string Path, int Status);
