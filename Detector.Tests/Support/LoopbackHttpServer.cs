using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Detector.Tests.Support;

/// <summary>What the loopback server received.</summary>
public sealed record RecordedRequest(string Method, string Path, string RawTarget, string? Authorization, string? ContentType, string Body)
{
    /// <summary>Every header, by name (case-insensitive), values joined with ",".</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>What the loopback server answers: a status (with an optional Retry-After and body), or nothing ever.</summary>
public sealed record ServerReply(int Status, string Body = "", string ContentType = "text/plain", int? RetryAfterSeconds = null, bool Hang = false)
{
    public static ServerReply Ok(string body = "ok") => new(200, body);
    public static ServerReply Json(string json, int status = 200) => new(status, json, "application/json");
    public static ServerReply Error(int status, string body = "") => new(status, body);
    public static ServerReply TooManyRequests(int retryAfterSeconds) => new(429, "rate_limited", RetryAfterSeconds: retryAfterSeconds);
    public static readonly ServerReply Hanging = new(0, Hang: true);
}

/// <summary>
/// A real HTTP server (Kestrel) on 127.0.0.1 and a free port that records every request and answers with the reply
/// the test chooses (by request and its 0-based number). Hanging requests end when the server is disposed.
/// </summary>
public sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _disposing = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private int _count;

    private LoopbackHttpServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    public static async Task<LoopbackHttpServer> StartAsync(Func<RecordedRequest, int, ServerReply> reply)
    {
        var url = new Uri($"http://127.0.0.1:{Ports.Free()}");
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url.ToString());
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new LoopbackHttpServer(app, url);
        app.Run(server.HandleAsync(reply));
        await app.StartAsync();
        return server;
    }

    public static Task<LoopbackHttpServer> StartAsync(ServerReply always) => StartAsync((_, _) => always);

    private RequestDelegate HandleAsync(Func<RecordedRequest, int, ServerReply> reply) => async context =>
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var recorded = new RecordedRequest(
            context.Request.Method,
            context.Request.Path.Value ?? "",
            context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "",
            context.Request.Headers.Authorization.FirstOrDefault(),
            context.Request.ContentType,
            body)
        {
            Headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
        };
        var number = Interlocked.Increment(ref _count) - 1;
        _requests.Enqueue(recorded);

        var answer = reply(recorded, number);
        if (answer.Hang)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _disposing.Token);
            try
            {
                await Task.Delay(Timeout.Infinite, linked.Token);
            }
            catch (OperationCanceledException)
            {
            }
            return;
        }
        context.Response.StatusCode = answer.Status;
        context.Response.ContentType = answer.ContentType;
        if (answer.RetryAfterSeconds is { } retryAfter) context.Response.Headers.RetryAfter = retryAfter.ToString();
        await context.Response.WriteAsync(answer.Body);
    };

    /// <summary>Waits (real I/O) until at least <paramref name="count"/> requests have arrived.</summary>
    public Task WaitForRequestsAsync(int count, TimeSpan? timeout = null) =>
        Eventually.True(() => _requests.Count >= count, timeout ?? TimeSpan.FromSeconds(20), $"{count} request(s) at the loopback server");

    public async ValueTask DisposeAsync()
    {
        await _disposing.CancelAsync();
        using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stopTimeout.Token);
        await _app.DisposeAsync();
        _disposing.Dispose();
    }
}
