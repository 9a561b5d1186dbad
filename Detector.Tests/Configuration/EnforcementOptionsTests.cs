using Detector.Configuration;
using Detector.Host.Composition;

namespace Detector.Tests.Configuration;

public sealed class EnforcementOptionsTests
{
    [Fact]
    public void Defaults_are_valid_and_match_the_documentation()
    {
        var options = new DetectorOptions();

        Assert.Empty(options.Validate());
        Assert.Equal(30, options.Enforcement.HistoryRetentionDays);
        Assert.Equal(5, options.Enforcement.IneffectiveGraceSeconds);
        Assert.Empty(options.Allowlist);
        Assert.Empty(options.TrustedProxies);
    }

    [Fact]
    public void Allowlist_and_trusted_proxies_bind_from_configuration()
    {
        var configuration = DetectorConfiguration.Build(null, new Dictionary<string, string?>
        {
            ["Detector:Allowlist:0"] = "192.0.2.0/24",
            ["Detector:Allowlist:1"] = "2001:db8::/32",
            ["Detector:TrustedProxies:0"] = "10.0.0.2",
            ["Detector:Enforcement:IneffectiveGraceSeconds"] = "10",
        });

        var options = DetectorConfiguration.Bind(configuration);

        Assert.Equal(["192.0.2.0/24", "2001:db8::/32"], options.Allowlist);
        Assert.Equal(["10.0.0.2"], options.TrustedProxies);
        Assert.Equal(10, options.Enforcement.IneffectiveGraceSeconds);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Bad_blocks_are_reported_by_key_and_index()
    {
        var options = new DetectorOptions
        {
            Allowlist = ["192.0.2.0/24", "192.0.2.0/33"],
            TrustedProxies = ["proxy.internal"],
        };

        var errors = options.Validate();

        Assert.Contains(errors, e => e.StartsWith("Detector:Allowlist:1 '192.0.2.0/33'") && e.Contains("0 to 32"));
        Assert.Contains(errors, e => e.StartsWith("Detector:TrustedProxies:0 'proxy.internal'") && e.Contains("not an IP address"));
        Assert.Equal(2, errors.Count);
    }

    [Fact]
    public void Retention_and_grace_must_make_sense()
    {
        var options = new DetectorOptions();
        options.Enforcement.HistoryRetentionDays = 0;
        options.Enforcement.IneffectiveGraceSeconds = -1;

        var errors = options.Validate();

        Assert.Contains(errors, e => e.StartsWith("Detector:Enforcement:HistoryRetentionDays"));
        Assert.Contains(errors, e => e.StartsWith("Detector:Enforcement:IneffectiveGraceSeconds"));
    }
}
