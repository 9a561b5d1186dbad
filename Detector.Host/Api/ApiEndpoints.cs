using Akka.Actor;
using Detector.Ingest;
using Microsoft.Extensions.FileProviders;
using Prometheus;
using Detector.Domain;

namespace Detector.Host.Api;

/// <summary>The dashboard, the JSON API and /metrics. Handlers only translate HTTP to <see cref="DetectorQueries"/>.</summary>
public static class ApiEndpoints
{
    private const int MaxTop = 20;
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
            if (!IpKey.TryParse(ip.AsSpan(), out var key)) return Error(400, $"'{ip}' is not an IP address.");
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

        var mutating = api.MapGroup("/bans").AddEndpointFilter(RequireToken);
        mutating.MapPost("/", async (BanRequest? request, DetectorQueries q, CancellationToken ct) =>
        {
            if (request is null || !IpKey.TryParse(request.Ip.AsSpan(), out var key)) return Error(400, $"'{request?.Ip}' is not an IP address.");
            if (request.DurationSeconds is <= 0) return Error(400, "durationSeconds must be positive (omit it to let the ladder decide).");
            var result = await q.BanAsync(key, request.DurationSeconds is { } s ? TimeSpan.FromSeconds(s) : null, ct);
            return Results.Ok(new ManualActionDto(result.Changed, result.Message));
        });
        mutating.MapDelete("/{ip}", async (string ip, DetectorQueries q, CancellationToken ct) =>
        {
            if (!IpKey.TryParse(ip.AsSpan(), out var key)) return Error(400, $"'{ip}' is not an IP address.");
            var result = await q.UnbanAsync(key, ct);
            return Results.Ok(new ManualActionDto(result.Changed, result.Message));
        });

        app.MapMetrics("/metrics", app.Services.GetRequiredService<DetectorMetrics>().Registry);
        return app;
    }

    private static IResult Error(int status, string message) => Results.Json(new ErrorDto(message), ApiJsonContext.Default.ErrorDto, statusCode: status);

    /// <summary>403 while no token is configured (the endpoints are off), 401 for a missing or wrong one.</summary>
    private static async ValueTask<object?> RequireToken(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
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
