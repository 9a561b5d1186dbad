using Detector.Configuration;
using Detector.Host.Cli;

namespace Detector.Tests.Integration;

public class CommandLineSpecs
{
    [Fact]
    public void Bad_configuration_is_reported_by_key()
    {
        var options = new DetectorOptions();
        options.Enforcement.Ladder = ["10m", "forever"];
        options.Enforcement.Firewall = "pf";
        options.Detection.WindowSeconds = 0;

        var errors = DetectorConfiguration.Validate(options);

        Assert.Contains(errors, e => e.StartsWith("Detector:Enforcement:Ladder:") && e.Contains("forever"));
        Assert.Contains(errors, e => e.StartsWith("Detector:Enforcement:Firewall") && e.Contains("pf"));
        Assert.Contains(errors, e => e.StartsWith("Detector:Detection:WindowSeconds"));
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
