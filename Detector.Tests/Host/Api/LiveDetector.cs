using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Detector.Configuration;
using Microsoft.AspNetCore.Builder;
using Detector.Host.Composition;
using Detector.Hosting;
using Detector.Tests.Support;
using Detector.Host.Verbs;

namespace Detector.Tests.Host.Api;

/// <summary>
/// The daemon as `run` builds it (live tail, sharded windows, HTTP on a free loopback port) over a log in a temp
/// directory that the test appends to, with lines stamped with the current time as Nginx would write them.
/// </summary>
public sealed class LiveDetector : IAsyncDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("detector-api-");
    private readonly WebApplication _app;
    private long _linesWritten;

    public const string Flooder = "203.0.113.77";

    private LiveDetector(string? token, Action<DetectorOptions>? configure, bool sqliteLedger)
    {
        LogPath = Path.Combine(_dir.FullName, "access.log");
        File.WriteAllText(LogPath, "");
        Options = TestOptions.DryRun(Path.Combine(_dir.FullName, "data"));
        Options.Log.Path = LogPath;
        Options.Log.PollIntervalMs = 50;
        Options.Http.Url = $"http://127.0.0.1:{Ports.Free()}";
        if (token is not null)
        {
            // Through the file, as an operator would hand over a secret.
            Options.Api.TokenFile = Path.Combine(_dir.FullName, "api-token");
            File.WriteAllText(Options.Api.TokenFile, token + "\n");
        }
        configure?.Invoke(Options);
        Directory.CreateDirectory(Options.DataDir);
        _app = RunCommand.BuildApp(Options, new DetectorComposition(
            PipelineRun.Live(fromStart: true), IpWindowHosting.Sharded, DetectorServices.AuditPath(Options),
            sqliteLedger ? Detector.Enforcement.Persistence.LedgerPersistence.SqliteInDataDir(Options.DataDir) : null));
        Http = new HttpClient { BaseAddress = new Uri(Options.Http.Url), Timeout = TimeSpan.FromSeconds(15) };
    }

    public DetectorOptions Options { get; }
    public string LogPath { get; }
    public HttpClient Http { get; }
    public WebApplication App => _app;
    public long LinesWritten => Interlocked.Read(ref _linesWritten);

    /// <param name="configure">Changes to the options before the daemon is built.</param>
    /// <param name="sqliteLedger">Keep the offender ledger in SQLite in the data dir, as <c>run</c> does (in memory otherwise).</param>
    public static async Task<LiveDetector> StartAsync(string? token = null, Action<DetectorOptions>? configure = null, bool sqliteLedger = false)
    {
        for (var attempt = 1; ; attempt++)
        {
            var detector = new LiveDetector(token, configure, sqliteLedger);
            try
            {
                await detector._app.StartAsync(TestContext.Current.CancellationToken);
                return detector;
            }
            catch (IOException) when (attempt < 3)
            {
                // The free port was taken between probing and binding (tests start hosts in parallel): try another.
                try
                {
                    await detector.DisposeAsync();
                }
                catch (Exception)
                {
                    // Stopping a host that never started may fail too; the next attempt is what matters.
                }
            }
        }
    }

    /// <summary>
    /// Appends traffic in real time for <paramref name="seconds"/>: every quarter second, 12 ordinary clients (one request
    /// each per 3 s) and <paramref name="floodPerSecond"/>/4 requests from <see cref="Flooder"/> with the given path and agent.
    /// </summary>
    public async Task WriteTrafficAsync(double seconds, int floodPerSecond, string floodPath = "/login", string floodAgent = "flood-bot/1.0",
        CancellationToken cancellation = default)
    {
        var ticks = (int)(seconds * 4);
        for (var tick = 0; tick < ticks && !cancellation.IsCancellationRequested; tick++)
        {
            var now = DateTimeOffset.UtcNow;
            var lines = new List<string>();
            for (var client = 1; client <= 12; client++)
                if ((tick + client) % 12 == 0)
                    lines.Add(Line(now, $"198.51.100.{client}", "GET", $"/apps/files/?dir=/client{client}", client % 5 == 0 ? 404 : 200, "Mozilla/5.0 (X11; Linux x86_64)"));
            for (var i = 0; i < floodPerSecond / 4; i++)
                lines.Add(Line(now.AddMilliseconds(i), Flooder, "POST", floodPath, 401, floodAgent));
            await AppendAsync(lines);
            await Task.Delay(250, cancellation).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    public async Task AppendAsync(IReadOnlyCollection<string> lines)
    {
        await File.AppendAllLinesAsync(LogPath, lines);
        Interlocked.Add(ref _linesWritten, lines.Count);
    }

    /// <summary>One access-log line in the shipped Nginx JSON format (JSON-escaped like Nginx's escape=json).</summary>
    public static string Line(DateTimeOffset time, string ip, string method, string uri, int status, string agent)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("time_iso8601", time.ToString("yyyy-MM-ddTHH:mm:sszzz"));
            json.WriteString("msec", (time.ToUnixTimeMilliseconds() / 1000.0).ToString("F3", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("remote_addr", ip);
            json.WriteString("request_method", method);
            json.WriteString("request_uri", uri);
            json.WriteString("status", status.ToString(System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("body_bytes_sent", "512");
            json.WriteString("http_user_agent", agent);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public async Task<T> GetAsync<T>(string path) =>
        (await Http.GetFromJsonAsync<T>(path, ApiJson.Options, TestContext.Current.CancellationToken))!;

    /// <summary>Waits until the API shows what the test needs (real I/O and a live pipeline, so no fixed delay).</summary>
    public Task<T> UntilAsync<T>(string path, Func<T, bool> ready, string what, int timeoutSeconds = 30) where T : class =>
        Eventually.UntilAsync(async () =>
        {
            try
            {
                var value = await GetAsync<T>(path);
                return ready(value) ? value : null;
            }
            catch (HttpRequestException)
            {
                return null; // 503 while the actors are still starting on a busy machine: ask again
            }
        }, TimeSpan.FromSeconds(timeoutSeconds), what);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        try
        {
            _dir.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a stopping actor; the temp directory is cleaned by the OS eventually.
        }
    }
}

/// <summary>How the API's JSON is read back: camelCase, the contract's records.</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
