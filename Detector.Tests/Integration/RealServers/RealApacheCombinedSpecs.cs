using Detector.Configuration;

namespace Detector.Tests.Integration.RealServers;

/// <summary>
/// Real Apache (Debian apache2) writing Debian's own <c>combined</c> and <c>vhost_combined</c> (the <c>LogFormat</c>
/// lines of /etc/apache2/apache2.conf, as the stock site and <c>other-vhosts-access-log</c> use them). The detector
/// reads what Apache wrote, field by field, detecting each file's format.
/// </summary>
public sealed class RealApacheCombinedSpecs : IAsyncDisposable
{
    private const string DebianConfig = "/etc/apache2/apache2.conf";
    private readonly RealServer _server = new();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Combined_and_vhost_combined_parse_field_by_field()
    {
        var apache = RealServer.Require("/usr/sbin/apache2", "apache2");
        if (!File.Exists(DebianConfig)) Assert.Skip($"{DebianConfig} is missing (package apache2)");
        var formats = File.ReadAllLines(DebianConfig).Where(l => l.StartsWith("LogFormat ", StringComparison.Ordinal)).ToList();
        Assert.Contains(formats, l => l.EndsWith(" combined", StringComparison.Ordinal));
        Assert.Contains(formats, l => l.EndsWith(" vhost_combined", StringComparison.Ordinal));

        var root = _server.Root;
        var asRoot = Environment.UserName == "root";
        File.WriteAllText(_server.PathIn("httpd.conf"), $"""
            ServerRoot {root}
            ServerName localhost
            Listen 127.0.0.1:{_server.Port}
            Listen [::1]:{_server.Port}
            LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
            LoadModule authn_core_module /usr/lib/apache2/modules/mod_authn_core.so
            LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
            {(asRoot ? "User nobody\nGroup nogroup" : "")}
            PidFile {root}/apache.pid
            DefaultRuntimeDir {root}
            ErrorLog {root}/error.log
            DocumentRoot {_server.WebRoot}
            <Directory {_server.WebRoot}>
                Require all granted
            </Directory>
            {string.Join('\n', formats)}
            CustomLog {root}/access.log combined
            CustomLog {root}/other_vhosts_access.log vhost_combined
            """);
        _server.Start(apache, null, "-d", root, "-f", _server.PathIn("httpd.conf"), "-DFOREGROUND");

        var expected = await _server.SendRequestsAsync();

        foreach (var (log, format) in new[] { ("access.log", LogFormat.Combined), ("other_vhosts_access.log", LogFormat.VhostCombined) })
        {
            var (entries, detected) = RealServer.Parse(await _server.LinesAsync(log, expected.Count));
            Assert.Equal(format, detected);
            _server.AssertMatches(expected, entries, millisecondTimes: false);
            // Debian's formats log %O, the bytes sent including headers.
            Assert.All(entries, e => Assert.True(e.Bytes > RealServer.RobotsText.Length, $"{e.Bytes} bytes"));
        }
    }
}
