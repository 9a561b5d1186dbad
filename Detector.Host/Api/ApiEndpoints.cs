using Akka.Actor;
using Detector.Ingest;
using Microsoft.Extensions.FileProviders;
using Prometheus;
using Detector.Domain;
using Detector.Enforcement;
using Detector.Enforcement.Firewall;

namespace Detector.Host.Api;

/// <summary>The dashboard, the JSON API and /metrics. Handlers only translate HTTP to <see cref="DetectorQueries"/>.</summary>
public static class ApiEndpoints
{
    private const int MaxTop = 20;
    /// <summary>A ban request is an address and a number: anything longer is not one, and is not read.</summary>
    public const long MaxBanRequestBytes = 4 * 1024;
    private const int DefaultAuditLimit = 200;
    private const string DashboardPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    public static IServiceCollection AddDetectorApi(this IServiceCollection services, ApiToken token)
    {
        services.AddSingleton(token);
        services.AddSingleton<ProcessMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<ProcessMonitor>());
        services.AddSingleton<DetectorQueries>();
        services.AddSingleton<DetectorMetrics>();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default));
        return services;
    }

    public static WebApplication MapDetectorApi(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Detector.Configuration.DetectorOptions>>().Value;
        // First: a request for a name this daemon does not answer to (DNS rebinding) reaches nothing, not even a file.
        HostHeaderFilter.Use(app, new HostHeaderFilter(options.Http, options.Api));

        var webRoot = app.Environment.WebRootPath;
        if (Directory.Exists(webRoot))
        {
            var files = new PhysicalFileProvider(webRoot);
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
            app.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = files,
                // The page polls the API; a stale cached script after an upgrade would misread it.
                OnPrepareResponse = context =>
                {
                    var headers = context.Context.Response.Headers;
                    headers.CacheControl = "no-cache";
                    headers.XContentTypeOptions = "nosniff";
                    // Defence in depth: the page renders log-derived text as text; nothing inline may run anyway.
                    headers.ContentSecurityPolicy = DashboardPolicy;
                },
            });
        }

        var api = app.MapGroup("/api");
        api.AddEndpointFilter(AskFailures);

        api.MapGet("/status", (DetectorQueries q, CancellationToken ct) => q.StatusAsync(ct));
        api.MapGet("/bans", (DetectorQueries q, CancellationToken ct) => q.ActiveBansAsync(ct));
        api.MapGet("/ips/{ip}", async (string ip, DetectorQueries q, CancellationToken ct) =>
        {
            if (!IpKey.TryParseStrict(ip, out var key)) return Error(400, NotAnAddress(ip));
            var found = await q.IpAsync(key, ct);
            return found is null ? Error(404, $"{key} has no traffic in its window and no offender history.") : Results.Ok(found);
        });
        api.MapGet("/top", (DetectorQueries q, int? n) => q.Top(Math.Clamp(n ?? 10, 1, MaxTop)));
        api.MapGet("/audit", (DetectorQueries q, string? since, int? limit) =>
        {
            long? from = null;
            if (since is not null)
            {
                if (!ApiTime.TryParse(since, out var s)) return Error(400, $"since '{since}' is not an ISO 8601 time.");
                from = s;
            }
            return Results.Ok(q.Audit(from, Math.Clamp(limit ?? DefaultAuditLimit, 1, Audit.RecentAuditEvents.DefaultCapacity)));
        });
        api.MapGet("/series", (DetectorQueries q) => q.Series());

        // The body is read by the handler, after the token filter: an unauthenticated request is answered 401 without its
        // body being read or buffered (a bound parameter would be read before any filter runs).
        var mutating = api.MapGroup("/bans").AddEndpointFilter(RequireToken).AddEndpointFilter(RefuseLargeBody);
        mutating.MapPost("/", async (HttpRequest http, DetectorQueries q, CancellationToken ct) =>
        {
            BanRequest? request;
            try
            {
                request = await http.ReadFromJsonAsync(ApiJsonContext.Default.BanRequest, ct);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return Error(413, $"A ban request is at most {MaxBanRequestBytes} bytes.");
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or BadHttpRequestException)
            {
                // Malformed JSON, a wrong content type, or a number no long holds (durationSeconds 1e30).
                return Error(400, "The body must be JSON {\"ip\": \"…\", \"durationSeconds\": N} (durationSeconds optional).");
            }
            if (request is null || !IpKey.TryParseStrict(request.Ip, out var key)) return Error(400, NotAnAddress(request?.Ip));
            if (!TryBanDuration(request.DurationSeconds, out var duration, out var durationError)) return Error(400, durationError);
            var result = await q.BanAsync(key, duration, ct);
            return result.Refused ? Error(400, result.Message) : Results.Ok(new ManualActionDto(result.Changed, result.Message));
        });
        // An address, or a range ban's network: "/api/bans/2001:db8::%2F64" (the slash encoded, as the CLI sends it) or
        // "/api/bans/2001:db8::/64" (a catch-all, so the slash may also come as it is).
        mutating.MapDelete("/{**target}", async (string? target, DetectorQueries q, CancellationToken ct) =>
        {
            var text = Uri.UnescapeDataString(target ?? "");
            ManualActionResult result;
            if (IpKey.TryParseStrict(text, out var key)) result = await q.UnbanAsync(key, ct);
            else if (BanTarget.TryParseRange(text, out var range)) result = await q.UnbanRangeAsync(range, ct);
            else return Error(400, NotAnAddress(text) + " A range is a network such as 2001:db8::/64.");
            return Results.Ok(new ManualActionDto(result.Changed, result.Message));
        });

        app.MapMetrics("/metrics", app.Services.GetRequiredService<DetectorMetrics>().Registry);
        return app;
    }

    /// <summary>The address is not echoed back beyond a short prefix: it is whatever the client sent.</summary>
    private static string NotAnAddress(string? text) =>
        $"'{(text is null ? "" : UntrustedText.Neutralise(text.Length > 64 ? text[..64] + "…" : text))}' is not an IP address " +
        "(IPv4 as four decimal numbers such as 203.0.113.9, or IPv6).";

    /// <summary>null: the ladder decides. Otherwise 1 second to <see cref="Detector.Enforcement.BanLadder.MaxDuration"/>;
    /// out-of-range values are a 400, never an overflow.</summary>
    public static bool TryBanDuration(long? seconds, out TimeSpan? duration, out string error)
    {
        duration = null;
        error = "";
        if (seconds is not { } s) return true;
        var max = (long)Detector.Enforcement.BanLadder.MaxDuration.TotalSeconds;
        if (s < 1 || s > max)
        {
            error = $"durationSeconds must be from 1 to {max} ({Detector.Enforcement.BanLadder.MaxDurationText}); omit it to let the ladder decide.";
            return false;
        }
        duration = TimeSpan.FromSeconds(s);
        return true;
    }

    /// <summary>Mutating requests carry a few bytes of JSON: a larger body is refused before (by its length) or while
    /// it is read (<see cref="RequireToken"/> set the limit), never buffered.</summary>
    private static ValueTask<object?> RefuseLargeBody(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (context.HttpContext.Request.ContentLength > MaxBanRequestBytes)
            return ValueTask.FromResult<object?>(Error(413, $"A ban request is at most {MaxBanRequestBytes} bytes."));
        return next(context);
    }

    private static IResult Error(int status, string message) => Results.Json(new ErrorDto(message), ApiJsonContext.Default.ErrorDto, statusCode: status);

    /// <summary>403 while no token is configured (the endpoints are off), 401 for a missing or wrong one; before anything
    /// reads the body. The body limit is set first, so even the unread body of a refused request is not drained
    /// beyond it.</summary>
    private static async ValueTask<object?> RequireToken(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var limit = context.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>();
        if (limit is { IsReadOnly: false }) limit.MaxRequestBodySize = MaxBanRequestBytes;
        var token = context.HttpContext.RequestServices.GetRequiredService<ApiToken>();
        if (!token.Configured)
            return Error(403, "Mutating endpoints are disabled: no API token is configured (Detector__Api__Token or Detector:Api:TokenFile).");
        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        var presented = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : null;
        if (!token.Matches(presented))
        {
            context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
            return Error(401, presented is null ? "A bearer token is required." : "The bearer token is wrong.");
        }
        return await next(context);
    }

    /// <summary>An actor that does not answer (cluster still starting, system stopping) is a 503, not a 500.</summary>
    private static async ValueTask<object?> AskFailures(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (Exception e) when (e is AskTimeoutException or TimeoutException
                                  || e is TaskCanceledException && !context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            return Error(503, "The detector did not answer in time; try again.");
        }
    }
}
