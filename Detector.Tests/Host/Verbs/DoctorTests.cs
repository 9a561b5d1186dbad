using Detector.Domain;
using Detector.Configuration;
using Detector.Enforcement.Firewall;
using Detector.Host.Verbs;

namespace Detector.Tests.Host.Verbs;

public sealed class DoctorTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("detector-doctor-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static FirewallHost Host(bool netAdmin, bool dockerUser = false, bool jumped = false, params string[] tools) => new(
        new Privileges(netAdmin ? 0 : 1000, netAdmin),
        FirewallHost.ToolNames.ToDictionary(t => t, tools.Contains),
        new IptablesDetection(IptablesFlavor.Nft, IptablesFlavor.Nft, "no rules yet"),
        IptablesTools.For(IptablesFlavor.Nft, _ => true),
        dockerUser,
        jumped);

    private DetectorOptions Options(FirewallBackend firewall)
    {
        var options = new DetectorOptions { DataDir = Path.Combine(_dir.FullName, "data") };
        options.Enforcement.Firewall = firewall;
        options.Log.Path = Path.Combine(_dir.FullName, "access.log");
        return options;
    }

    [Theory]
    [InlineData("000001fffeffffff", 0, true, true)]
    [InlineData("0000000000001000", 1000, false, true)]
    [InlineData("0000000000000000", 1000, false, false)]
    public void Privileges_come_from_the_effective_uid_and_CAP_NET_ADMIN(string capEff, int uid, bool root, bool netAdmin)
    {
        var privileges = Privileges.Parse($"Name:\tdetector\nUid:\t{uid}\t{uid}\t{uid}\t{uid}\nCapEff:\t{capEff}\n");

        Assert.Equal((root, netAdmin), (privileges.IsRoot, privileges.NetAdmin));
    }

    [Fact]
    public void Auto_prefers_ipset_then_nftables_then_iptables_and_is_dry_run_without_privileges()
    {
        Assert.Equal(FirewallBackend.Ipset, Host(true, false, false, "ipset", "iptables", "nft").AutoBackend);
        Assert.Equal(FirewallBackend.Nftables, Host(true, false, false, "iptables", "nft").AutoBackend);
        Assert.Equal(FirewallBackend.Iptables, Host(true, false, false, "iptables").AutoBackend);
        Assert.Equal(FirewallBackend.DryRun, Host(false, false, false, "ipset", "iptables", "nft").AutoBackend);
    }

    [Fact]
    public void A_privileged_host_with_the_tools_and_a_parsable_log_can_enforce()
    {
        File.WriteAllText(Path.Combine(_dir.FullName, "access.log"),
            "garbage\n{\"remote_addr\":\"203.0.113.9\",\"msec\":\"1777472669.123\",\"request_method\":\"GET\",\"request_uri\":\"/\",\"status\":\"200\"}\n");

        var report = DoctorCommand.Diagnose(Options(FirewallBackend.Auto), Host(true, true, true, "ipset", "iptables", "ip6tables"));

        Assert.True(report.CanEnforce);
        var output = new StringWriter();
        report.WriteTo(output);
        Assert.Contains("auto would use    ipset", output.ToString());
        Assert.Contains("parses: 203.0.113.9 GET / 200 0 B at 2026-04-29T14:24:29.123Z", output.ToString());
        Assert.Contains("format            detected json", output.ToString());
        Assert.Contains("1 of the last 2 line(s) (invalid_json=1)", output.ToString());
        Assert.Contains("jumped to from FORWARD", output.ToString());
        Assert.EndsWith("result: ok, Detector can enforce bans here" + Environment.NewLine, output.ToString());
    }

    [Fact]
    public void A_nextcloud_log_shows_how_its_lines_read_and_its_last_failed_login_without_the_name()
    {
        File.WriteAllText(Path.Combine(_dir.FullName, "access.log"),
            "{\"remote_addr\":\"203.0.113.9\",\"msec\":\"1777472669.123\",\"request_method\":\"GET\",\"request_uri\":\"/\",\"status\":\"200\"}\n");
        var nextcloud = Path.Combine(_dir.FullName, "nextcloud.log");
        File.WriteAllText(nextcloud,
            "{\"reqId\":\"a\",\"level\":2,\"time\":\"2026-04-29T14:24:29+00:00\",\"remoteAddr\":\"2001:db8::5\",\"user\":\"--\",\"app\":\"core\",\"message\":\"Login failed: 'alice' (Remote IP: '2001:db8::5')\"}\n" +
            "{\"reqId\":\"b\",\"level\":1,\"time\":\"2026-04-29T14:24:30+00:00\",\"remoteAddr\":\"192.0.2.1\",\"user\":\"bob\",\"app\":\"files\",\"message\":\"Something else\"}\n" +
            "{\"reqId\":\"c\",\"time\":\"2026-04-29T14:24:31+00:00\",\"message\":\"Login failed: 'carol'\"}\n");
        var options = Options(FirewallBackend.DryRun);
        options.Log.NextcloudLogs = [nextcloud];

        var output = new StringWriter();
        DoctorCommand.Diagnose(options, Host(false)).WriteTo(output);

        Assert.Contains("2 of the last 3 line(s) read as Nextcloud's JSON log", output.ToString());
        Assert.Contains($"from 2001:db8::5 at 2026-04-29T14:24:29Z, account {AccountNames.Pseudonym("alice")}", output.ToString());
        Assert.Contains("missing_ip=1", output.ToString());
        Assert.DoesNotContain("alice", output.ToString());
    }

    [Fact]
    public void Without_CAP_NET_ADMIN_the_detector_could_not_enforce()
    {
        var report = DoctorCommand.Diagnose(Options(FirewallBackend.Ipset), Host(false, false, false, "ipset", "iptables"));

        Assert.False(report.CanEnforce);
        Assert.Contains(report.Lines, l => l.Item == "enforcement" && l.Text.Contains("needs root or CAP_NET_ADMIN"));
    }

    [Fact]
    public void A_backend_whose_tool_is_missing_could_not_enforce()
    {
        var report = DoctorCommand.Diagnose(Options(FirewallBackend.Nftables), Host(true, false, false, "iptables"));

        Assert.False(report.CanEnforce);
        Assert.Contains(report.Lines, l => l.Item == "enforcement" && l.Text.Contains("needs nft"));
    }

    [Fact]
    public void The_nginx_backend_needs_a_writable_directory_and_a_way_to_reload_not_CAP_NET_ADMIN()
    {
        var options = Options(FirewallBackend.Nginx);
        options.Enforcement.Nginx.Directory = Path.Combine(_dir.FullName, "nginx", "detector-bans"); // created at the first write
        options.Enforcement.Nginx.PidFile = Path.Combine(_dir.FullName, "nginx.pid");
        File.WriteAllText(options.Enforcement.Nginx.PidFile, "4242\n");

        var report = DoctorCommand.Diagnose(options, Host(false));

        Assert.True(report.CanEnforce);
        Assert.DoesNotContain(report.Lines, l => l.Item == "enforcement");
        Assert.Contains(report.Lines, l => l is { Section: "nginx", Item: "include directory", Level: DoctorCommand.Level.Ok });
        Assert.Contains(report.Lines, l => l is { Section: "nginx", Item: "reload", Level: DoctorCommand.Level.Ok } && l.Text.Contains("SIGHUP"));

        options.Enforcement.Firewall = FirewallBackend.Ipset | FirewallBackend.Nginx;
        options.Enforcement.Nginx.PidFile = null;
        options.Enforcement.Nginx.ReloadCommand = [Path.Combine(_dir.FullName, "no-such-nginx"), "-s", "reload"];
        report = DoctorCommand.Diagnose(options, Host(true, false, false, "ipset", "iptables"));

        Assert.False(report.CanEnforce);
        Assert.Contains(report.Lines, l => l is { Item: "enforcement", Level: DoctorCommand.Level.Ok } && l.Text.Contains("configured ipset,nginx: bans go to ipset"));
        Assert.Contains(report.Lines, l => l is { Section: "nginx", Item: "reload", Level: DoctorCommand.Level.Problem } && l.Text.Contains("not found"));
    }

    [Fact]
    public void A_DOCKER_USER_chain_that_FORWARD_does_not_jump_to_and_an_unparsable_last_line_are_warnings()
    {
        File.WriteAllText(Path.Combine(_dir.FullName, "access.log"), "GET / HTTP/1.1 200 5\n");

        var report = DoctorCommand.Diagnose(Options(FirewallBackend.Ipset), Host(true, true, false, "ipset", "iptables"));

        Assert.True(report.CanEnforce);
        Assert.Contains(report.Lines, l => l is { Item: "DOCKER-USER", Level: DoctorCommand.Level.Warning });
        Assert.Contains(report.Lines, l => l is { Item: "last line", Level: DoctorCommand.Level.Warning } && l.Text.Contains("invalid_json"));
    }

    [Fact]
    public void Each_log_shows_its_detected_format_and_a_parsed_line()
    {
        var nginx = Path.Combine(_dir.FullName, "cloud.access.log");
        var caddy = Path.Combine(_dir.FullName, "caddy.access.log");
        File.WriteAllText(nginx, "203.0.113.9 - - [29/Apr/2026:14:24:29 +0000] \"PROPFIND /remote.php/dav/ HTTP/1.1\" 207 1834 \"-\" \"mirall/3.12\"\n");
        File.WriteAllText(caddy, """{"ts":1777472669.5,"request":{"remote_ip":"2001:db8::9","method":"GET","uri":"/login","headers":{"User-Agent":["curl/8"]}},"status":401,"size":12}""" + "\n");
        var options = Options(FirewallBackend.Ipset);
        options.Log.Paths = [Path.Combine(_dir.FullName, "*.access.log")];

        var report = DoctorCommand.Diagnose(options, Host(true, false, false, "ipset", "iptables"));

        Assert.Contains(report.Lines, l => l.Section == $"log {nginx}" && l.Item == "format" && l.Text.StartsWith("detected combined", StringComparison.Ordinal));
        Assert.Contains(report.Lines, l => l.Section == $"log {nginx}" && l.Text == "parses: 203.0.113.9 PROPFIND /remote.php/dav/ 207 1834 B at 2026-04-29T14:24:29.000Z, agent mirall/3.12");
        Assert.Contains(report.Lines, l => l.Section == $"log {caddy}" && l.Item == "format" && l.Text.StartsWith("detected caddy", StringComparison.Ordinal));
        Assert.Contains(report.Lines, l => l.Section == $"log {caddy}" && l.Text == "parses: 2001:db8::9 GET /login 401 12 B at 2026-04-29T14:24:29.500Z, agent curl/8");
        Assert.True(report.CanEnforce);
    }
}
