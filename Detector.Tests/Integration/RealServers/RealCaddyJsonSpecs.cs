using Detector.Configuration;

namespace Detector.Tests.Integration.RealServers;

/// <summary>
/// Real Caddy (Debian 12 ships caddy 2.6) with a <c>log</c> directive writing its JSON access log to a file: nested
/// <c>request</c>, float <c>ts</c>. The detector reads what Caddy wrote, field by field, with milliseconds.
/// </summary>
public sealed class RealCaddyJsonSpecs : IAsyncDisposable
{
    private readonly RealServer _server = new();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task The_json_access_log_parses_field_by_field()
    {
        var caddy = RealServer.Require("/usr/bin/caddy", "caddy");
        var root = _server.Root;
        File.WriteAllText(_server.PathIn("Caddyfile"), $$"""
            {
                admin off
                auto_https off
            }
            http://127.0.0.1:{{_server.Port}}, http://[::1]:{{_server.Port}} {
                bind 127.0.0.1 [::1]
                root * {{_server.WebRoot}}
                file_server
                log {
                    output file {{root}}/access.log
                    format json
                }
            }
            """);
        _server.Start(caddy, new Dictionary<string, string> { ["HOME"] = root, ["XDG_DATA_HOME"] = root, ["XDG_CONFIG_HOME"] = root },
            "run", "--config", _server.PathIn("Caddyfile"), "--adapter", "caddyfile");

        var expected = await _server.SendRequestsAsync();

        var (entries, format) = RealServer.Parse(await _server.LinesAsync("access.log", expected.Count));
        Assert.Equal(LogFormat.CaddyJson, format);
        _server.AssertMatches(expected, entries, millisecondTimes: true);
        Assert.Equal(RealServer.RobotsText.Length, entries[0].Bytes);
        Assert.Equal(0, entries[2].Bytes);
    }
}
