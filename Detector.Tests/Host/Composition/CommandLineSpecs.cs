using Detector.Configuration;
using Detector.Tests.Support;
using Microsoft.Extensions.Configuration;
using Detector.Host.Verbs;
using Detector.Host.Composition;

namespace Detector.Tests.Host.Composition;

public class CommandLineSpecs
{
    [Fact]
    public void Bad_configuration_is_reported_by_key()
    {
        var options = new DetectorOptions();
        options.Enforcement.Ladder = ["10m", "forever"];
        options.Detection.WindowSeconds = 0;

        var errors = options.Validate();

        Assert.Contains(errors, e => e.StartsWith("Detector:Enforcement:Ladder:") && e.Contains("forever"));
        Assert.Contains(errors, e => e.StartsWith("Detector:Detection:WindowSeconds"));
    }

    [Theory]
    [InlineData("dry-run", FirewallBackend.DryRun)]
    [InlineData("DryRun", FirewallBackend.DryRun)]
    [InlineData("auto", FirewallBackend.Auto)]
    [InlineData("nft", FirewallBackend.Nftables)]
    [InlineData(" IPSET ", FirewallBackend.Ipset)]
    [InlineData("nginx", FirewallBackend.Nginx)]
    [InlineData("ipset,nginx", FirewallBackend.Ipset | FirewallBackend.Nginx)]
    [InlineData("nginx, auto", FirewallBackend.Auto | FirewallBackend.Nginx)]
    public void Firewall_backends_bind_by_their_configuration_names(string text, FirewallBackend expected)
    {
        var configuration = DetectorConfiguration.Build(null, new Dictionary<string, string?> { ["Detector:Enforcement:Firewall"] = text });

        Assert.Equal(expected, DetectorConfiguration.Bind(configuration).Enforcement.Firewall);
        Assert.Equal(expected, FirewallBackends.Parse(expected.Name()));
    }

    [Fact]
    public void One_log_sets_the_path_and_several_logs_or_a_pattern_set_the_paths()
    {
        Dictionary<string, string?> one = new(), several = new(), pattern = new();
        CommonOptions.AddLogs(one, ["/var/log/nginx/access.log"]);
        CommonOptions.AddLogs(several, ["/var/log/nginx/a.log", "/var/log/caddy/b.log"]);
        CommonOptions.AddLogs(pattern, ["/var/log/nginx/*.log"]);

        Assert.Equal("/var/log/nginx/access.log", DetectorConfiguration.Bind(DetectorConfiguration.Build(null, one)).Log.Path);
        Assert.Equal(["/var/log/nginx/a.log", "/var/log/caddy/b.log"], DetectorConfiguration.Bind(DetectorConfiguration.Build(null, several)).Log.Paths);
        Assert.Equal(["/var/log/nginx/*.log"], DetectorConfiguration.Bind(DetectorConfiguration.Build(null, pattern)).Log.Paths);
    }

    [Fact]
    public void Nextcloud_logs_bind_from_the_flags_and_an_empty_one_is_an_error()
    {
        Dictionary<string, string?> overrides = new();
        CommonOptions.AddNextcloudLogs(overrides, ["/var/www/nextcloud/data/nextcloud.log", "/srv/*/data/nextcloud.log"]);

        var options = DetectorConfiguration.Bind(DetectorConfiguration.Build(null, overrides));
        Assert.Equal(["/var/www/nextcloud/data/nextcloud.log", "/srv/*/data/nextcloud.log"], options.Log.NextcloudLogs);
        Assert.Empty(options.Validate());

        options.Log.NextcloudLogs.Add(" ");
        options.Detection.AccountMinNetworks = 1;
        Assert.Contains(options.Validate(), e => e.StartsWith("Detector:Log:NextcloudLogs:2 is empty", StringComparison.Ordinal));
        Assert.Contains(options.Validate(), e => e.StartsWith("Detector:Detection:AccountMinNetworks", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("nginx", LogFormat.Combined)]
    [InlineData("caddy", LogFormat.CaddyJson)]
    [InlineData("AUTO", LogFormat.Auto)]
    public void Log_formats_bind_by_their_configuration_names(string text, LogFormat expected)
    {
        var configuration = DetectorConfiguration.Build(null, new Dictionary<string, string?> { ["Detector:Log:Format"] = text });

        Assert.Equal(expected, DetectorConfiguration.Bind(configuration).Log.Format);
    }

    [Fact]
    public void An_unknown_log_format_is_a_configuration_error_naming_the_key()
    {
        var error = new StringWriter();

        var loaded = DetectorConfiguration.TryLoad(null, new Dictionary<string, string?> { ["Detector:Log:Format"] = "syslog" }, error, out _);

        Assert.False(loaded);
        Assert.StartsWith("configuration error: Detector:Log:Format: 'syslog' is not a log format", error.ToString());
    }

    [Fact]
    public void An_unknown_firewall_backend_is_a_configuration_error_naming_the_key()
    {
        var error = new StringWriter();

        var loaded = DetectorConfiguration.TryLoad(null, new Dictionary<string, string?> { ["Detector:Enforcement:Firewall"] = "pf" }, error, out _);

        Assert.False(loaded);
        Assert.StartsWith("configuration error: Detector:Enforcement:Firewall: 'pf' is not a firewall backend (auto, ipset, nftables, iptables, dry-run, nginx, cloudflare;",
            error.ToString());
    }

    [Theory]
    [InlineData("ipset,nftables")]
    [InlineData("auto,iptables")]
    [InlineData("dry-run,nginx")]
    [InlineData("ipset,")]
    public void Backends_that_cannot_run_together_are_a_configuration_error(string text)
    {
        var error = new StringWriter();

        Assert.False(DetectorConfiguration.TryLoad(null, new Dictionary<string, string?> { ["Detector:Enforcement:Firewall"] = text }, error, out _));
        Assert.Contains("one kernel backend at most, dry-run only alone", error.ToString());
    }

    [Fact]
    public void The_nginx_backend_binds_its_reload_as_an_argument_list_and_checks_its_status()
    {
        var configuration = DetectorConfiguration.Build(null, new Dictionary<string, string?>
        {
            ["Detector:Enforcement:Firewall"] = "ipset,nginx",
            ["Detector:Enforcement:Nginx:ReloadCommand:0"] = "/usr/sbin/nginx",
            ["Detector:Enforcement:Nginx:ReloadCommand:1"] = "-s",
            ["Detector:Enforcement:Nginx:ReloadCommand:2"] = "reload",
            ["Detector:Enforcement:Nginx:Status"] = "200",
        });
        var options = DetectorConfiguration.Bind(configuration);

        Assert.Equal(["/usr/sbin/nginx", "-s", "reload"], options.Enforcement.Nginx.EffectiveReloadCommand);
        Assert.Equal(["nginx", "-s", "reload"], new NginxBanOptions().EffectiveReloadCommand);
        Assert.Contains("Detector:Enforcement:Nginx:Status must be a 4xx status (403, or 444 to close the connection).", options.Validate());
        options.Enforcement.Firewall = FirewallBackend.Ipset;
        Assert.Empty(options.Validate()); // the nginx section matters only with the nginx backend
    }

    [Fact]
    public void The_replaced_Ipv6PrefixLength_key_is_a_configuration_error_naming_its_successor()
    {
        var error = new StringWriter();

        var loaded = DetectorConfiguration.TryLoad(null, new Dictionary<string, string?> { ["Detector:Enforcement:Ipv6PrefixLength"] = "64" }, error, out _);

        Assert.False(loaded);
        Assert.StartsWith("configuration error: Detector:Enforcement:Ipv6PrefixLength was replaced by Detector:Enforcement:Ipv6Range", error.ToString());
    }

    [Theory]
    [InlineData("Ipv6Range:PrefixLength", "128", "Detector:Enforcement:Ipv6Range:PrefixLength must be between 16 and 127.")]
    [InlineData("Ipv4Range:PrefixLength", "32", "Detector:Enforcement:Ipv4Range:PrefixLength must be between 8 and 31.")]
    [InlineData("Ipv4Range:MinAddresses", "0", "Detector:Enforcement:Ipv4Range:MinAddresses must be at least 1.")]
    [InlineData("Ipv6Range:WindowSeconds", "0", "Detector:Enforcement:Ipv6Range:WindowSeconds must be at least 1.")]
    public void Range_options_out_of_bounds_are_validation_errors_naming_the_key(string key, string value, string message)
    {
        Assert.True(DetectorConfiguration.TryLoad(null, new Dictionary<string, string?> { [$"Detector:Enforcement:{key}"] = value }, TextWriter.Null, out var options));

        Assert.Contains(message, options!.Validate());
    }

    [Fact]
    public void The_code_default_firewall_is_the_shipped_appsettings_default()
    {
        var shipped = DetectorConfiguration.Bind(new ConfigurationBuilder()
            .AddJsonFile(Repository.File("Detector.Host/appsettings.json"), optional: false).Build());

        Assert.Equal(FirewallBackend.Auto, new DetectorOptions().Enforcement.Firewall);
        Assert.Equal(new DetectorOptions().Enforcement.Firewall, shipped.Enforcement.Firewall);
    }

    [Fact]
    public void Configured_ladder_replaces_the_default_instead_of_appending_to_it()
    {
        var configuration = DetectorConfiguration.Build(null, new Dictionary<string, string?>
        {
            ["Detector:Enforcement:Ladder:0"] = "1m",
            ["Detector:Enforcement:Ladder:1"] = "permanent",
        });

        Assert.Equal(["1m", "permanent"], DetectorConfiguration.Bind(configuration).Enforcement.EffectiveLadder);
        Assert.Equal(EnforcementOptions.DefaultLadder, new DetectorOptions().Enforcement.EffectiveLadder);
    }

    [Fact]
    public async Task Replay_of_a_missing_log_fails_with_a_clear_message_and_exit_code_2()
    {
        var options = new DetectorOptions();
        options.Log.Path = "/nonexistent/access.log";
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        try
        {
            Assert.Equal(2, await ReplayCommand.RunAsync(options, Path.GetTempFileName(), TextWriter.Null, TestContext.Current.CancellationToken));
        }
        finally
        {
            Console.SetError(original);
        }
        Assert.Contains("'/nonexistent/access.log' does not exist", error.ToString());
    }
}
