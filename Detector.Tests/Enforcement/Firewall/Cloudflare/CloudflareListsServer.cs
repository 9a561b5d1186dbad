using System.Net;
using System.Text.Json.Nodes;
using Detector.Tests.Support;

namespace Detector.Tests.Enforcement.Firewall.Cloudflare;

/// <summary>
/// A real HTTP server on loopback that implements the documented contract of Cloudflare's Lists API, as far as the
/// backend uses it (developers.cloudflare.com/waf/tools/lists/lists-api/endpoints, and the API schema of
/// <c>rules/lists/items</c> in Cloudflare's generated TypeScript client):
/// <list type="bullet">
/// <item><c>GET accounts/{account}/rules/lists/{list}</c>: the list, with <c>kind</c> and <c>num_items</c>.</item>
/// <item><c>GET …/items?per_page=&amp;cursor=</c>: items <c>{id, ip, comment, created_on}</c>, paged by an opaque cursor in
/// <c>result_info.cursors.after</c>.</item>
/// <item><c>POST …/items</c> (array of <c>{ip, comment}</c>) and <c>DELETE …/items</c> (<c>{items:[{id}]}</c>): asynchronous
/// bulk operations answered with <c>{operation_id}</c>; <c>GET accounts/{account}/rules/lists/bulk_operations/{id}</c> says
/// <c>pending</c>, <c>running</c>, <c>completed</c> or <c>failed</c>. While one is pending another write gets 429.</item>
/// <item>IP items: IPv4 addresses, IPv4 CIDR /8–/32, IPv6 CIDR /12–/64 (not a lone IPv6 address).</item>
/// <item>Every answer is the v4 envelope <c>{success, errors:[{code, message}], messages, result, result_info}</c>;
/// a missing or wrong <c>Authorization: Bearer</c> token gets 403 with error 10000.</item>
/// </list>
/// Tests set the account's item limit, how many polls an operation stays pending, and failures to inject.
/// </summary>
public sealed class CloudflareListsServer : IAsyncDisposable
{
    public const string AccountId = "023e105f4ecef8ad9ca31a8372d0c353";
    public const string ListId = "2c0fc9fa937b11eaa1b71c4d701ab86e";
    public const string Token = "test-token-with-lists-edit";

    private readonly object _gate = new();
    private readonly List<(string Id, string Ip, string Comment)> _items = [];
    private readonly Dictionary<string, int> _operations = [];
    private readonly Queue<int> _injected = new();
    private string? _pendingOperation;
    private int _nextId;
    private LoopbackHttpServer _http = null!;

    /// <summary>How many items the account allows in its lists.</summary>
    public int MaxItems { get; set; } = 10_000;

    /// <summary>Polls an operation answers <c>pending</c> before <c>completed</c>.</summary>
    public int PendingPolls { get; set; }

    /// <summary>Seconds a 429 asks to wait.</summary>
    public int RetryAfterSeconds { get; set; } = 7;

    public Uri ApiUrl => new(_http.Url, "/client/v4/");

    public IReadOnlyList<RecordedRequest> Requests => _http.Requests;

    /// <summary>Write requests (POST, PUT, DELETE) received, rejected ones included.</summary>
    public IReadOnlyList<RecordedRequest> Writes => Requests.Where(r => r.Method is "POST" or "PUT" or "DELETE").ToList();

    public IReadOnlyList<string> Ips
    {
        get { lock (_gate) return _items.Select(i => i.Ip).Order(StringComparer.Ordinal).ToList(); }
    }

    public IReadOnlyList<string> Comments
    {
        get { lock (_gate) return _items.Select(i => i.Comment).ToList(); }
    }

    public static async Task<CloudflareListsServer> StartAsync()
    {
        var server = new CloudflareListsServer();
        server._http = await LoopbackHttpServer.StartAsync(server.Handle);
        return server;
    }

    /// <summary>Items written by someone else (an operator by hand).</summary>
    public void Seed(params string[] ips)
    {
        lock (_gate)
            foreach (var ip in ips) _items.Add((NewId(), ip, "added by hand"));
    }

    /// <summary>The next requests get these statuses (429 with Retry-After, or 5xx) before being served.</summary>
    public void Inject(params int[] statuses)
    {
        lock (_gate)
            foreach (var status in statuses) _injected.Enqueue(status);
    }

    private ServerReply Handle(RecordedRequest request, int number)
    {
        lock (_gate)
        {
            if (request.Authorization != $"Bearer {Token}") return Fail(403, 10000, "Authentication error");
            if (_injected.TryDequeue(out var injected))
                return injected == 429 ? Fail(429, 971, "Please wait and consider throttling your request speed", RetryAfterSeconds) : Fail(injected, 10500, "internal error");

            var path = request.Path;
            var prefix = $"/client/v4/accounts/{AccountId}/rules/lists/";
            if (!path.StartsWith(prefix, StringComparison.Ordinal)) return Fail(404, 7003, "Could not route to " + path);
            var rest = path[prefix.Length..];
            if (rest.StartsWith("bulk_operations/", StringComparison.Ordinal) && request.Method == "GET")
                return Operation(rest["bulk_operations/".Length..]);
            if (rest == ListId && request.Method == "GET")
                return Ok(new JsonObject { ["id"] = ListId, ["name"] = "detector_banned", ["kind"] = "ip", ["num_items"] = _items.Count });
            if (rest != ListId + "/items") return Fail(404, 10001, "list not found");
            return request.Method switch
            {
                "GET" => ListItems(request.RawTarget),
                "POST" => AddItems(request.Body),
                "DELETE" => DeleteItems(request.Body),
                _ => Fail(405, 10405, "method not allowed"),
            };
        }
    }

    private ServerReply ListItems(string target)
    {
        var query = System.Web.HttpUtility.ParseQueryString(target.Contains('?') ? target[(target.IndexOf('?') + 1)..] : "");
        var perPage = int.TryParse(query["per_page"], out var p) ? Math.Clamp(p, 1, 500) : 25;
        var start = query["cursor"] is { } cursor ? int.Parse(cursor[1..]) : 0;
        var page = _items.Skip(start).Take(perPage).Select(i => (JsonNode)new JsonObject
        {
            ["id"] = i.Id, ["ip"] = i.Ip, ["comment"] = i.Comment, ["created_on"] = "2026-12-03T10:00:00Z",
        }).ToArray();
        var cursors = new JsonObject();
        if (start + perPage < _items.Count) cursors["after"] = "c" + (start + perPage);
        return Ok(new JsonArray(page), new JsonObject { ["cursors"] = cursors });
    }

    private ServerReply AddItems(string body)
    {
        if (_pendingOperation is not null) return Fail(429, 10012, "a bulk operation is already pending", RetryAfterSeconds);
        if (JsonNode.Parse(body) is not JsonArray items) return Fail(400, 10026, "filters.api.invalid_json");
        var ips = new List<(string Ip, string Comment)>();
        foreach (var item in items)
        {
            var ip = item?["ip"]?.GetValue<string>() ?? "";
            if (!ValidIpItem(ip)) return Fail(400, 10019, $"ip {ip} is not a valid IPv4 address, IPv4 CIDR or IPv6 CIDR");
            ips.Add((ip, item?["comment"]?.GetValue<string>() ?? ""));
        }
        if (_items.Count + ips.Count > MaxItems) return Fail(400, 10021, $"exceeded maximum number of list items ({MaxItems})");
        foreach (var (ip, comment) in ips) _items.Add((NewId(), ip, comment));
        return StartOperation();
    }

    private ServerReply DeleteItems(string body)
    {
        if (_pendingOperation is not null) return Fail(429, 10012, "a bulk operation is already pending", RetryAfterSeconds);
        var ids = (JsonNode.Parse(body)?["items"] as JsonArray)?.Select(i => i?["id"]?.GetValue<string>()).ToHashSet() ?? [];
        _items.RemoveAll(i => ids.Contains(i.Id));
        return StartOperation();
    }

    private ServerReply StartOperation()
    {
        var id = $"op{_operations.Count + 1:x8}";
        _operations[id] = PendingPolls;
        if (PendingPolls > 0) _pendingOperation = id;
        return Ok(new JsonObject { ["operation_id"] = id });
    }

    private ServerReply Operation(string id)
    {
        if (!_operations.TryGetValue(id, out var pending)) return Fail(404, 10003, "operation not found");
        if (pending > 0)
        {
            _operations[id] = pending - 1;
            return Ok(new JsonObject { ["id"] = id, ["status"] = "pending" });
        }
        if (_pendingOperation == id) _pendingOperation = null;
        return Ok(new JsonObject { ["id"] = id, ["status"] = "completed", ["completed"] = "2026-12-03T10:00:01Z" });
    }

    private static bool ValidIpItem(string ip)
    {
        var slash = ip.IndexOf('/');
        if (!IPAddress.TryParse(slash < 0 ? ip : ip[..slash], out var address)) return false;
        var v6 = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        if (slash < 0) return !v6;
        if (!int.TryParse(ip[(slash + 1)..], out var prefix)) return false;
        return v6 ? prefix is >= 12 and <= 64 : prefix is >= 8 and <= 32;
    }

    private string NewId() => $"{++_nextId:x32}";

    private static ServerReply Ok(JsonNode result, JsonNode? info = null)
    {
        var envelope = new JsonObject { ["success"] = true, ["errors"] = new JsonArray(), ["messages"] = new JsonArray(), ["result"] = result };
        if (info is not null) envelope["result_info"] = info;
        return ServerReply.Json(envelope.ToJsonString());
    }

    private static ServerReply Fail(int status, int code, string message, int? retryAfter = null) =>
        new(status, new JsonObject
        {
            ["success"] = false,
            ["errors"] = new JsonArray(new JsonObject { ["code"] = code, ["message"] = message }),
            ["messages"] = new JsonArray(),
            ["result"] = null,
        }.ToJsonString(), "application/json", retryAfter);

    public ValueTask DisposeAsync() => _http.DisposeAsync();
}
