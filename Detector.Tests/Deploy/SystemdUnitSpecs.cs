using Detector.Tests.Support;

namespace Detector.Tests.Deploy;

/// <summary>deploy/systemd/detector.service: a host install confined to the firewall capabilities and its data dir.</summary>
public sealed class SystemdUnitSpecs
{
    private const string Path = "deploy/systemd/detector.service";
    private readonly UnitFile _unit = UnitFile.Parse(File.ReadAllText(Repository.File(Path)));

    private string Service(string key) => _unit.Get("Service", key) ?? throw new Xunit.Sdk.XunitException($"[Service] has no {key}=");

    [Fact]
    public void It_has_the_unit_service_and_install_sections()
    {
        Assert.Equal(["Unit", "Service", "Install"], _unit.Sections.Keys);
        Assert.Equal("multi-user.target", _unit.Get("Install", "WantedBy"));
        Assert.Contains("network-online.target", _unit.Get("Unit", "After"));
    }

    [Fact]
    public void It_runs_the_daemon_verb_of_the_published_dll_with_the_production_config()
    {
        var exec = Service("ExecStart").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("/usr/bin/dotnet", exec[0]);
        Assert.EndsWith("/detector.dll", exec[1]);
        Assert.Equal("run", exec[2]);
        Assert.Equal(["--config", "/etc/detector/appsettings.Production.json"], exec[3..]);
        Assert.StartsWith("-", Service("EnvironmentFile")); // secrets file optional, never in the unit
    }

    [Fact]
    public void It_holds_only_the_firewall_capabilities_and_cannot_gain_more()
    {
        Assert.Equal("CAP_NET_ADMIN CAP_NET_RAW", Service("CapabilityBoundingSet"));
        Assert.Equal("CAP_NET_ADMIN CAP_NET_RAW", Service("AmbientCapabilities"));
        Assert.Equal("true", Service("NoNewPrivileges"));
        Assert.Equal("detector", Service("User"));
        Assert.Contains("AF_NETLINK", Service("RestrictAddressFamilies"));
    }

    [Fact]
    public void It_sees_the_file_system_read_only_but_for_its_data_dir_and_reads_the_log()
    {
        Assert.Equal("strict", Service("ProtectSystem"));
        Assert.Equal("true", Service("ProtectHome"));
        Assert.Equal("true", Service("PrivateTmp"));
        var settings = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Repository.File("deploy/detector/appsettings.Production.json")));
        var detector = settings.RootElement.GetProperty("Detector");
        var dataDir = detector.GetProperty("DataDir").GetString()!;
        var log = detector.GetProperty("Log").GetProperty("Path").GetString()!;

        Assert.Equal(dataDir, Service("ReadWritePaths"));
        Assert.Equal("detector", Service("StateDirectory")); // /var/lib/detector, created and owned for the user
        Assert.Equal("/var/lib/detector", dataDir);
        Assert.Equal(System.IO.Path.GetDirectoryName(log), Service("ReadOnlyPaths"));
        Assert.Contains("adm", Service("SupplementaryGroups")); // logrotate creates the log 0640 www-data:adm
    }

    [Fact]
    public void It_restarts_after_a_failure()
    {
        Assert.Equal("always", Service("Restart"));
        Assert.NotNull(Service("RestartSec"));
    }

    [Fact]
    public async Task Systemd_analyze_verify_accepts_it()
    {
        var analyze = new[] { "/usr/bin/systemd-analyze", "/bin/systemd-analyze" }.FirstOrDefault(File.Exists);
        if (analyze is null) Assert.Skip("systemd-analyze is not installed (package systemd); the structural specs above still ran");

        // systemd-analyze checks that ExecStart's binary exists. Where dotnet is not at /usr/bin/dotnet, verify a
        // copy whose ExecStart binary is /bin/true and say so; every other line is the shipped one.
        var unit = System.IO.Path.Combine(Directory.CreateTempSubdirectory("detector-unit-").FullName, "detector.service");
        var text = File.ReadAllText(Repository.File(Path));
        if (!File.Exists("/usr/bin/dotnet")) text = text.Replace("ExecStart=/usr/bin/dotnet ", "ExecStart=/bin/true ");
        File.WriteAllText(unit, text);
        try
        {
            var (code, output) = await ComposeFileSpecs.RunAsync(analyze, ["verify", unit]);
            // Without systemd as PID 1 (a container) verify still parses and checks the unit.
            var complaints = output.Split('\n').Where(l => l.Contains("detector.service", StringComparison.Ordinal)).ToList();
            Assert.True(code == 0 && complaints.Count == 0, $"systemd-analyze verify: exit {code}\n{output}");
        }
        finally
        {
            Directory.Delete(System.IO.Path.GetDirectoryName(unit)!, recursive: true);
        }
    }

    [Fact]
    public async Task Systemd_analyze_verify_would_catch_a_misspelt_directive()
    {
        var analyze = new[] { "/usr/bin/systemd-analyze", "/bin/systemd-analyze" }.FirstOrDefault(File.Exists);
        if (analyze is null) Assert.Skip("systemd-analyze is not installed (package systemd)");
        var dir = Directory.CreateTempSubdirectory("detector-unit-");
        var unit = System.IO.Path.Combine(dir.FullName, "detector.service");
        File.WriteAllText(unit, File.ReadAllText(Repository.File(Path))
            .Replace("ExecStart=/usr/bin/dotnet ", "ExecStart=/bin/true ")
            .Replace("ProtectSystem=strict", "ProtectSytem=strict"));
        try
        {
            var (_, output) = await ComposeFileSpecs.RunAsync(analyze, ["verify", unit]);
            Assert.Contains("ProtectSytem", output);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
