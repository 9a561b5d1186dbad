using System.Net;
using Detector.Configuration;
using Detector.Domain;

namespace Detector.Host.Api;

/// <summary>
/// Answers only requests addressed to this daemon by a name it knows: loopback names and addresses, the host of
/// <c>Detector:Http:Url</c> and <c>Detector:Api:AllowedHosts</c>. A page on an attacker's site that rebinds its
/// own DNS name to 127.0.0.1 still sends its own name as <c>Host</c>, and gets 400 instead of the API.
/// </summary>
public sealed class HostHeaderFilter
{
    private readonly HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase) { "localhost" };

    public HostHeaderFilter(HttpOptions http, ApiOptions api)
    {
        foreach (var name in api.AllowedHosts) _names.Add(name.Trim().Trim('[', ']'));
        // The configured URL's own host, unless it is a wildcard that names no host at all.
        if (Uri.TryCreate(http.Url, UriKind.Absolute, out var url) && url.Host is { Length: > 0 } host
            && host is not ("0.0.0.0" or "[::]" or "::" or "+" or "*"))
            _names.Add(host.Trim('[', ']'));
    }

    /// <summary>True for a Host header (port already removed) this daemon answers to.</summary>
    public bool Allows(string host)
    {
        var name = host.Trim('[', ']');
        if (name.Length == 0) return false;
        if (name.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase) || _names.Contains(name)) return true;
        return IpKey.TryParseStrict(name, out var ip) && IPAddress.IsLoopback(ip.ToAddress());
    }

    public static IApplicationBuilder Use(IApplicationBuilder app, HostHeaderFilter filter) =>
        app.Use(async (context, next) =>
        {
            var host = context.Request.Host;
            if (!host.HasValue || !filter.Allows(host.Host))
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await context.Response.WriteAsJsonAsync(
                    new ErrorDto("This Host is not served here; add it to Detector:Api:AllowedHosts."), ApiJsonContext.Default.ErrorDto);
                return;
            }
            await next(context);
        });
}
