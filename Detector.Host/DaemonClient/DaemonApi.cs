using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Detector.Configuration;

namespace Detector.Host.DaemonClient;

/// <summary>Exit codes of the verbs that talk to a running daemon.</summary>
public static class DaemonExitCode
{
    public const int Ok = 0;
    /// <summary>The daemon answered with an error, or with something that is not the API's JSON.</summary>
    public const int DaemonError = 1;
    /// <summary>Bad input or configuration on this side (e.g. not an IP address); nothing was sent.</summary>
    public const int Usage = 2;
    public const int Unreachable = 3;
    /// <summary>401: the token is wrong or missing.</summary>
    public const int TokenRejected = 4;
    /// <summary>403: the daemon has no token configured, so it accepts no changes.</summary>
    public const int MutationsDisabled = 5;
}

/// <summary>Where the daemon is and the token for its mutating endpoints.</summary>
public sealed record DaemonConnection(Uri Url, string? Token, TimeSpan Timeout)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>URL: the flag, else <c>Detector:Api:Url</c>, else <c>Detector:Http:Url</c>. Token: the flag, else
    /// <c>Detector:Api:Token</c> (e.g. the <c>Detector__Api__Token</c> environment variable), else the file named by
    /// <c>Detector:Api:TokenFile</c>.</summary>
    /// <exception cref="FormatException">The URL is not an absolute http(s) URL.</exception>
    /// <exception cref="IOException">The token file cannot be read.</exception>
    public static DaemonConnection Resolve(DetectorOptions options, string? urlFlag, string? tokenFlag)
    {
        var text = FirstNonEmpty(urlFlag, options.Api.Url, options.Http.Url) ?? new HttpOptions().Url;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            throw new FormatException($"'{text}' is not an http(s) URL of the daemon (--url, Detector:Api:Url or Detector:Http:Url).");
        if (!string.IsNullOrWhiteSpace(tokenFlag)) return new DaemonConnection(url, tokenFlag.Trim(), DefaultTimeout);
        try
        {
            return new DaemonConnection(url, Secrets.Read(options.Api.Token, options.Api.TokenFile), DefaultTimeout);
        }
        catch (IOException e)
        {
            throw new IOException($"Detector:Api:TokenFile: {e.Message}", e);
        }
    }

    private static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
}

/// <summary>A daemon's answer: status and raw body.</summary>
public sealed record DaemonAnswer(HttpStatusCode Status, string Body)
{
    public bool IsSuccess => (int)Status is >= 200 and < 300;
}

/// <summary>The daemon could not be reached (connection refused, DNS, timeout).</summary>
public sealed class DaemonUnreachableException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// The HTTP API as the CLI verbs use it: one request per verb, JSON in camelCase, the bearer token only on the
/// mutating requests. Turns each outcome into a message and an exit code.
/// </summary>
public sealed class DaemonApi(DaemonConnection connection) : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // A trailing slash and relative paths keep a path prefix (a daemon behind a reverse proxy at /detector/).
    private readonly HttpClient _http = new() { BaseAddress = new Uri(connection.Url.ToString().TrimEnd('/') + "/"), Timeout = connection.Timeout };

    public DaemonConnection Connection => connection;

    public Task<DaemonAnswer> GetAsync(string path, CancellationToken cancellation) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, path), authorize: false, cancellation);

    public Task<DaemonAnswer> PostAsync<T>(string path, T body, CancellationToken cancellation) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(JsonSerializer.Serialize(body, Json), Encoding.UTF8, "application/json"),
        }, authorize: true, cancellation);

    public Task<DaemonAnswer> DeleteAsync(string path, CancellationToken cancellation) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Delete, path), authorize: true, cancellation);

    private async Task<DaemonAnswer> SendAsync(HttpRequestMessage request, bool authorize, CancellationToken cancellation)
    {
        using (request)
        {
            request.RequestUri = new Uri(request.RequestUri!.OriginalString.TrimStart('/'), UriKind.Relative);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (authorize && connection.Token is { } token) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            try
            {
                using var response = await _http.SendAsync(request, cancellation);
                return new DaemonAnswer(response.StatusCode, await response.Content.ReadAsStringAsync(cancellation));
            }
            catch (HttpRequestException e)
            {
                throw new DaemonUnreachableException(e.Message, e);
            }
            catch (TaskCanceledException e) when (!cancellation.IsCancellationRequested)
            {
                throw new DaemonUnreachableException($"no answer within {connection.Timeout.TotalSeconds:F0} s", e);
            }
        }
    }

    /// <summary>The exit code and message for an answer that is not a success.</summary>
    public int ReportFailure(string verb, DaemonAnswer answer, TextWriter error)
    {
        switch (answer.Status)
        {
            case HttpStatusCode.Unauthorized:
                error.WriteLine(connection.Token is null
                    ? $"{verb}: token rejected: the daemon needs a token and none was given (Detector__Api__Token, Detector:Api:TokenFile or --token)."
                    : $"{verb}: token rejected by the daemon at {connection.Url} (401). Check Detector__Api__Token / Detector:Api:TokenFile / --token.");
                return DaemonExitCode.TokenRejected;
            case HttpStatusCode.Forbidden:
                error.WriteLine($"{verb}: the daemon at {connection.Url} does not accept changes (403): it has no Detector:Api:Token configured.");
                return DaemonExitCode.MutationsDisabled;
            default:
                var detail = ErrorDetail(answer.Body);
                error.WriteLine($"{verb}: the daemon answered {(int)answer.Status} {answer.Status}{(detail.Length > 0 ? ": " + detail : "")}");
                return DaemonExitCode.DaemonError;
        }
    }

    public int ReportUnreachable(string verb, DaemonUnreachableException e, TextWriter error)
    {
        error.WriteLine($"{verb}: cannot reach the detector daemon at {connection.Url}: {e.Message}. Is `detector run` running there (--url, Detector:Http:Url)?");
        return DaemonExitCode.Unreachable;
    }

    /// <summary>The message of a JSON error body ({"message": …}, {"error": …}, problem details), or the text.</summary>
    private static string ErrorDetail(string body)
    {
        if (string.IsNullOrWhiteSpace(body)) return "";
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
                foreach (var name in new[] { "message", "error", "detail", "title" })
                    if (document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
                        return value.GetString() ?? "";
        }
        catch (JsonException)
        {
        }
        var text = body.ReplaceLineEndings(" ").Trim();
        return text.Length <= 200 ? text : text[..200] + "…";
    }

    public void Dispose() => _http.Dispose();
}
