using System.Text.RegularExpressions;
using Detector.Domain;
using Detector.Enforcement.Firewall;
using Detector.Tests.Support;

namespace Detector.Tests.Deploy;

/// <summary>deploy/nginx/: the Nextcloud server block passes `nginx -t` and is what the Nginx tests run.</summary>
public sealed partial class NextcloudNginxConfigSpecs : IDisposable
{
    private ShippedNginx? _nginx;

    public void Dispose() => _nginx?.Dispose();

    [Fact]
    public async Task The_shipped_server_block_passes_nginx_t()
    {
        ShippedNginx.RequireBinary();
        _nginx = new ShippedNginx(Ports.Free(), phpFpmPort: 9000);

        var (code, output) = await _nginx.TestAsync();

        Assert.True(code == 0, output);
        Assert.Contains("test is successful", output);
        Assert.DoesNotContain("[warn]", output);
    }

    [Fact]
    public async Task The_server_block_passes_nginx_t_with_the_detectors_ban_files_of_both_statuses()
    {
        ShippedNginx.RequireBinary();
        _nginx = new ShippedNginx(Ports.Free(), phpFpmPort: 9000);
        var bans = Directory.CreateDirectory(Path.Combine(_nginx.Prefix.FullName, "detector-bans")).FullName;
        File.WriteAllText(Path.Combine(bans, NginxBanFile.BansFile), NginxBanFile.RenderBans(
            [BanTarget.For(IpKey.Parse("203.0.113.9")), BanTarget.For(IpKey.Parse("2001:db8:0:1::66"), 64), BanTarget.For(IpKey.Parse("2001:db8::1"))]));

        foreach (var status in new[] { 403, 444 })
        {
            File.WriteAllText(Path.Combine(bans, NginxBanFile.DenyFile), NginxBanFile.RenderDeny(status));
            var (code, output) = await _nginx.TestAsync();
            Assert.True(code == 0, output);
            Assert.DoesNotContain("[warn]", output);
        }
    }

    [Fact]
    public void The_server_block_the_tests_run_is_the_shipped_file_but_for_the_named_lines()
    {
        _nginx = new ShippedNginx(8081, phpFpmPort: 9000);
        var shipped = File.ReadAllText(Repository.File(ShippedNginx.ServerBlock)).Split('\n');
        var rendered = File.ReadAllText(_nginx.RenderedServerBlock).Split('\n');

        Assert.Equal(shipped.Length, rendered.Length);
        var changed = Enumerable.Range(0, shipped.Length).Where(i => shipped[i] != rendered[i]).Select(i => shipped[i].Trim()).ToList();
        Assert.Equal(_nginx.Substitutions.Keys.Order(), changed.Order());
        Assert.Equal(["listen 80;", "listen [::]:80;", "root /var/www/html;", "access_log /var/log/nginx/detector/access.json.log detector_json;"],
            _nginx.Substitutions.Keys);
        // The includes are the shipped files themselves.
        foreach (var name in new[] { "detector-log-format.conf", "trusted-proxies.conf" })
            Assert.Equal(Repository.File("deploy/nginx/" + name), new FileInfo(Path.Combine(_nginx.Prefix.FullName, "detector", name)).LinkTarget);
    }

    [Fact]
    public void The_server_block_includes_the_shipped_log_format_and_logs_every_request_with_it()
    {
        var serverBlock = string.Join('\n', File.ReadAllLines(Repository.File(ShippedNginx.ServerBlock)).Select(l => l.Split('#')[0]));
        Assert.Contains("include detector/detector-log-format.conf;", serverBlock);
        Assert.Single(Regex.Matches(serverBlock, @"^\s*access_log\s", RegexOptions.Multiline));
        Assert.DoesNotMatch(@"access_log\s+off", serverBlock);
        Assert.Contains("log_format detector_json escape=json", File.ReadAllText(Repository.File(ShippedNginx.LogFormat)));
    }

    [Fact]
    public void It_has_the_nextcloud_essentials()
    {
        var serverBlock = File.ReadAllText(Repository.File(ShippedNginx.ServerBlock));
        Assert.Matches(@"client_max_body_size\s+\d+[MG];", serverBlock);
        Assert.Contains("location = /.well-known/carddav { return 301 /remote.php/dav/; }", serverBlock);
        Assert.Contains("location = /.well-known/caldav  { return 301 /remote.php/dav/; }", serverBlock);
        Assert.Contains("fastcgi_split_path_info", serverBlock);
        Assert.Contains("fastcgi_param PATH_INFO $path_info;", serverBlock);
        Assert.Matches(@"location ~ \^/\(\?:build\|tests\|config\|lib\|3rdparty\|templates\|data\)", serverBlock);
    }

    [Fact]
    public void Client_addresses_are_trusted_from_named_proxies_only_and_never_from_everywhere()
    {
        foreach (var file in Directory.GetFiles(Repository.File("deploy/nginx")))
        {
            var active = File.ReadAllLines(file).Select(l => l.Split('#')[0]).Where(l => l.Trim().Length > 0).ToList();
            foreach (var line in active.Where(l => l.Contains("set_real_ip_from", StringComparison.Ordinal)))
                Assert.DoesNotMatch(@"set_real_ip_from\s+(0\.0\.0\.0/0|::/0|all|unix:)", line);
        }
        var proxies = File.ReadAllText(Repository.File(ShippedNginx.TrustedProxies));
        Assert.Contains("Never", proxies);
        Assert.Contains("choose which address gets banned", proxies);
        Assert.Contains("include detector/trusted-proxies.conf;", File.ReadAllText(Repository.File(ShippedNginx.ServerBlock)));
    }

    [Fact]
    public async Task An_uncommented_trusted_proxy_example_still_passes_nginx_t()
    {
        ShippedNginx.RequireBinary();
        _nginx = new ShippedNginx(Ports.Free(), phpFpmPort: 9000);
        // The operator's edit: the example lines, uncommented.
        var example = File.ReadAllLines(Repository.File(ShippedNginx.TrustedProxies))
            .Where(l => Regex.IsMatch(l, @"^#\s+(set_real_ip_from|real_ip_header|real_ip_recursive)\s"))
            .Select(l => l.TrimStart('#', ' '))
            .ToList();
        Assert.Equal(3, example.Count);
        var link = Path.Combine(_nginx.Prefix.FullName, "detector", "trusted-proxies.conf");
        File.Delete(link);
        File.WriteAllLines(link, example);

        var (code, output) = await _nginx.TestAsync();

        Assert.True(code == 0, output);
    }
}
