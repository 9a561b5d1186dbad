using Detector.Configuration;

namespace Detector.Tests.Integration.RealServers;

/// <summary>
/// Real Nginx (Debian nginx-light) with no log_format of ours: <c>access_log</c> without a format writes the predefined
/// <c>combined</c>, and a second log the common <c>main</c>-style variant that appends <c>"$http_x_forwarded_for"</c>
/// and <c>$request_time</c>. The detector reads what Nginx wrote, field by field, detecting the format itself.
/// </summary>
public sealed class RealNginxCombinedSpecs : IAsyncDisposable
{
    private readonly RealServer _server = new();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task The_default_combined_log_and_a_variant_with_appended_fields_parse_field_by_field()
    {
        var nginx = RealServer.Require("/usr/sbin/nginx", "nginx-light");
        var root = _server.Root;
        File.WriteAllText(_server.PathIn("nginx.conf"), $$"""
            daemon off;
            master_process off;
            pid {{root}}/nginx.pid;
            error_log {{root}}/error.log;
            events {}
            http {
                {{RealServer.NginxTempPaths(root)}}
                log_format main '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '
                                '"$http_referer" "$http_user_agent" "$http_x_forwarded_for" $request_time';
                server {
                    listen 127.0.0.1:{{_server.Port}};
                    listen [::1]:{{_server.Port}};
                    root {{_server.WebRoot}};
                    access_log {{root}}/access.log;
                    access_log {{root}}/main.log main;
                }
            }
            """);
        _server.Start(nginx, null, "-p", root, "-c", _server.PathIn("nginx.conf"));

        var expected = await _server.SendRequestsAsync();

        foreach (var log in new[] { "access.log", "main.log" })
        {
            var (entries, format) = RealServer.Parse(await _server.LinesAsync(log, expected.Count));
            Assert.Equal(LogFormat.Combined, format);
            _server.AssertMatches(expected, entries, millisecondTimes: false);
            Assert.Equal(RealServer.RobotsText.Length, entries[0].Bytes);
            Assert.True(entries[1].Bytes > 0, "the 404 page has a body");
            Assert.Equal(0, entries[2].Bytes);
        }
    }
}
