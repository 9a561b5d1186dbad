using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Detector.Domain;

namespace Detector.Enforcement.Firewall.Cloudflare;

/// <summary>Where the Cloudflare backend writes and how patient it is with the API.</summary>
/// <param name="ApiUrl">The API base, <c>https://api.cloudflare.com/client/v4/</c> (a test server's in tests).</param>
/// <param name="AccountId">32 hex digits: the account that owns the list.</param>
/// <param name="ListId">32 hex digits: Detector's own IP list (<c>kind: ip</c>), referenced by a WAF custom rule.</param>
/// <param name="Token">An API token with Account Filter Lists Edit permission.</param>
public sealed record CloudflareSettings(Uri ApiUrl, string AccountId, string ListId, string Token)
{
    public static readonly Uri DefaultApiUrl = new("https://api.cloudflare.com/client/v4/");

    /// <summary>Items the list may hold (the account plan's limit). Beyond it the bans expiring soonest are left out.</summary>
    public int MaxItems { get; init; } = 10_000;
    /// <summary>Items per page when listing (the API's maximum is 500... smaller pages only cost requests).</summary>
    public int PageSize { get; init; } = 500;
    /// <summary>Items per write request.</summary>
    public int WriteChunk { get; init; } = 1_000;
    /// <summary>Retries of one request after 429 or 5xx (Retry-After honoured up to <see cref="MaxRetryAfter"/>).</summary>
    public int MaxRetries { get; init; } = 5;
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(60);
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Writes are asynchronous bulk operations; their status is polled this often, at most this many times.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);
    public int MaxPolls { get; init; } = 120;
}

/// <summary>A request the Cloudflare API refused or that never got an answer, with the API's own error text.</summary>
public sealed class CloudflareApiException(string message, HttpStatusCode? status = null) : Exception(message)
{
    public HttpStatusCode? Status { get; } = status;
}

/// <summary>One item of an IP list as the API lists it.</summary>
public readonly record struct CloudflareListItem(string Id, string Ip);

/// <summary>
/// The part of the Cloudflare v4 API the backend uses: the Lists API (<c>/accounts/{account}/rules/lists/…</c>). Every
/// answer is an envelope (<c>success</c>, <c>errors</c>, <c>result</c>, <c>result_info</c>); list items are paged by an
/// opaque cursor; writes are bulk operations answered with an <c>operation_id</c> whose status is polled (one may be
/// pending per account: another write meanwhile gets 429). 429 and 5xx are retried, waiting as Retry-After asks; waits
/// go through <c>delay</c>, so tests see them without sleeping.
/// </summary>
public sealed class CloudflareApi(HttpClient http, CloudflareSettings settings, Func<TimeSpan, CancellationToken, Task>? delay = null)
{
    private readonly Func<TimeSpan, CancellationToken, Task> _delay = delay ?? Task.Delay;
    private readonly string _list = $"accounts/{settings.AccountId}/rules/lists/{settings.ListId}";

    public CloudflareSettings Settings => settings;

    /// <summary>The list's kind and item count; fails clearly when the token, account or list is wrong.</summary>
    public async Task<(string Kind, int Items)> GetListAsync(CancellationToken cancellationToken)
    {
        var result = (await SendAsync(HttpMethod.Get, _list, null, cancellationToken)).Result as JsonObject;
        var kind = result?["kind"]?.GetValue<string>() ?? "";
        var items = result?["num_items"]?.GetValue<int>() ?? 0;
        return (kind, items);
    }

    /// <summary>Every item of the list, page by page.</summary>
    public async Task<List<CloudflareListItem>> ListItemsAsync(CancellationToken cancellationToken)
    {
        var items = new List<CloudflareListItem>();
        string? cursor = null;
        var seen = new HashSet<string>();
        while (true)
        {
            var path = $"{_list}/items?per_page={settings.PageSize}" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
            var answer = await SendAsync(HttpMethod.Get, path, null, cancellationToken);
            if (answer.Result is JsonArray page)
                foreach (var node in page)
                    if (node?["id"]?.GetValue<string>() is { } id && node["ip"]?.GetValue<string>() is { } ip)
                        items.Add(new CloudflareListItem(id, ip));
            cursor = answer.Info?["cursors"]?["after"]?.GetValue<string>();
            // A cursor that comes back again would page for ever.
            if (string.IsNullOrEmpty(cursor) || !seen.Add(cursor)) return items;
        }
    }

    /// <summary>Adds items (<c>ip</c>, <c>comment</c>) and waits for the bulk operation to complete.</summary>
    public async Task AddItemsAsync(IReadOnlyList<(string Ip, string Comment)> items, CancellationToken cancellationToken)
    {
        foreach (var chunk in items.Chunk(settings.WriteChunk))
        {
            var body = new JsonArray(chunk.Select(i => (JsonNode)new JsonObject { ["ip"] = i.Ip, ["comment"] = i.Comment }).ToArray());
            await WaitForOperationAsync(await SendAsync(HttpMethod.Post, $"{_list}/items", body, cancellationToken), cancellationToken);
        }
    }

    /// <summary>Removes items by id and waits for the bulk operation to complete.</summary>
    public async Task DeleteItemsAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        foreach (var chunk in ids.Chunk(settings.WriteChunk))
        {
            var body = new JsonObject { ["items"] = new JsonArray(chunk.Select(id => (JsonNode)new JsonObject { ["id"] = id }).ToArray()) };
            await WaitForOperationAsync(await SendAsync(HttpMethod.Delete, $"{_list}/items", body, cancellationToken), cancellationToken);
        }
    }

    private async Task WaitForOperationAsync(Envelope written, CancellationToken cancellationToken)
    {
        var operation = written.Result?["operation_id"]?.GetValue<string>();
        if (string.IsNullOrEmpty(operation)) return;
        var path = $"accounts/{settings.AccountId}/rules/lists/bulk_operations/{Uri.EscapeDataString(operation)}";
        for (var poll = 0; poll < settings.MaxPolls; poll++)
        {
            var status = (await SendAsync(HttpMethod.Get, path, null, cancellationToken)).Result;
            switch (status?["status"]?.GetValue<string>())
            {
                case "completed":
                    return;
                case "failed":
                    throw new CloudflareApiException($"cloudflare bulk operation {Clean(operation)} failed: {Clean(status["error"]?.GetValue<string>() ?? "no reason given")}");
            }
            await _delay(settings.PollInterval, cancellationToken);
        }
        throw new CloudflareApiException($"cloudflare bulk operation {Clean(operation)} still pending after {settings.MaxPolls} polls");
    }

    private sealed record Envelope(JsonNode? Result, JsonNode? Info);

    private async Task<Envelope> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken cancellationToken)
    {
        var uri = new Uri(settings.ApiUrl, path);
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, uri);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.Token);
            if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException e)
            {
                if (attempt < settings.MaxRetries)
                {
                    await _delay(Backoff(attempt), cancellationToken);
                    continue;
                }
                throw new CloudflareApiException($"cloudflare {method} {path}: {Clean(e.Message)}");
            }
            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                var retryable = response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500;
                if (retryable && attempt < settings.MaxRetries)
                {
                    await _delay(RetryAfter.Delay(response, DateTimeOffset.UtcNow, settings.MaxRetryAfter) ?? Backoff(attempt), cancellationToken);
                    continue;
                }
                JsonNode? json = null;
                try { json = JsonNode.Parse(text); } catch (JsonException) { }
                if (response.IsSuccessStatusCode && json?["success"]?.GetValue<bool>() == true)
                    return new Envelope(json["result"], json["result_info"]);
                throw new CloudflareApiException(Describe(method, path, response.StatusCode, json, text), response.StatusCode);
            }
        }
    }

    private TimeSpan Backoff(int attempt) => settings.RetryBaseDelay * Math.Pow(2, Math.Min(attempt, 6));

    /// <summary>"cloudflare POST …/items: HTTP 400: 10021 list is full": the API's own codes and messages, which are
    /// text from outside and kept short and inert.</summary>
    private static string Describe(HttpMethod method, string path, HttpStatusCode status, JsonNode? json, string text)
    {
        var errors = json?["errors"] is JsonArray array
            ? string.Join("; ", array.Select(e => $"{e?["code"]} {e?["message"]}".Trim()))
            : text;
        var hint = status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden ? " (check the API token and its permissions)" : "";
        return $"cloudflare {method} {path.Split('?')[0]}: HTTP {(int)status}{hint}: {Clean(errors)}";
    }

    private static string Clean(string text)
    {
        var inert = UntrustedText.Neutralise(text).Replace('|', '/');
        return inert.Length <= 300 ? inert : inert[..300] + "…";
    }
}
