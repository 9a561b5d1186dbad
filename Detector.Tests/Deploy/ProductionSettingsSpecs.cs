using Detector.Configuration;
using Detector.Tests.Support;
using Microsoft.Extensions.Configuration;
using Detector.Host.Composition;

namespace Detector.Tests.Deploy;

/// <summary>deploy/detector/appsettings.Production.json binds and agrees with Nginx and the compose file.</summary>
public sealed class ProductionSettingsSpecs
{
    private const string Path = "deploy/detector/appsettings.Production.json";

    private static DetectorOptions Load() =>
        DetectorConfiguration.Bind(new ConfigurationBuilder().AddJsonFile(Repository.File(Path), optional: false).Build());

    [Fact]
    public void It_binds_to_valid_options()
    {
        var options = Load();
        Assert.Empty(options.Validate());
        Assert.Equal(FirewallBackend.Ipset, options.Enforcement.Firewall);
    }

    [Fact]
    public void Its_paths_are_the_ones_nginx_and_the_compose_file_use()
    {
        var options = Load();
        var compose = ComposeFile.Environment(ComposeFile.Load().Service("detector"));

        Assert.Equal(ShippedNginx.ShippedAccessLogPath(), options.Log.Path);
        Assert.Equal(compose["Detector__Log__Path"], options.Log.Path);
        Assert.Equal(compose["Detector__DataDir"], options.DataDir);
        Assert.Equal(compose["Detector__Http__Url"], options.Http.Url);
        Assert.Equal("http://127.0.0.1:8080", options.Http.Url); // loopback: the API is not on the network
    }
}
