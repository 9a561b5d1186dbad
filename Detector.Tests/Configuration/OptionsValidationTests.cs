using Detector.Configuration;

namespace Detector.Tests.Configuration;

/// <summary>Each options section validates itself, naming its keys; <see cref="DetectorOptions.Validate"/> gathers them.</summary>
public sealed class OptionsValidationTests
{
    [Fact]
    public void The_defaults_are_valid()
    {
        Assert.Empty(new DetectorOptions().Validate());
    }

    [Fact]
    public void Each_section_names_its_own_keys()
    {
        Assert.Equal(["Detector:Detection:WindowSeconds must be between 1 and 3600."], new DetectionOptions { WindowSeconds = 0 }.Validate());
        Assert.Equal(["Detector:Baseline:HistoryMinutes must be at least 1."], new BaselineOptions { HistoryMinutes = 0 }.Validate());
        Assert.Equal(["Detector:Log:PollIntervalMs must be at least 10."], new LogOptions { PollIntervalMs = 1 }.Validate());
        Assert.Equal(["Detector:Clock:TickMs must be at least 100."], new ClockOptions { TickMs = 1 }.Validate());
        Assert.Equal(["Detector:Http:Url 'nowhere' is not a URL."], new HttpOptions { Url = "nowhere" }.Validate());
        Assert.Equal(["Detector:Slack:QueueCapacity must be at least 1."], new SlackOptions { QueueCapacity = 0 }.Validate());
        var ladder = Assert.Single(new EnforcementOptions { Ladder = ["permanent", "10m"] }.Validate());
        Assert.StartsWith("Detector:Enforcement:Ladder: Ban ladder step 1 is 'permanent'", ladder);
        Assert.Equal(["Detector:Api:AllowedHosts:1 'bad host!' is not a host name or address."],
            new ApiOptions { AllowedHosts = ["detector.internal", "bad host!", "[::1]", "10.0.0.5"] }.Validate());
    }

    [Fact]
    public void A_ladder_step_beyond_ten_years_is_refused_in_favour_of_permanent()
    {
        var error = Assert.Single(new EnforcementOptions { Ladder = ["10m", "3651d", "permanent"] }.Validate());

        Assert.Equal("Detector:Enforcement:Ladder: Ban ladder step 2 ('3651d') is longer than 3650d (10 years); use permanent.", error);
        Assert.Empty(new EnforcementOptions { Ladder = ["10m", "3650d", "permanent"] }.Validate());
    }

    [Fact]
    public void The_whole_set_gathers_every_section_and_the_address_lists()
    {
        var options = new DetectorOptions { Allowlist = ["10.0.0.0/33"] };
        options.Detection.WindowSeconds = 0;
        options.Slack.BurstThreshold = 0;

        var errors = options.Validate();

        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("Detector:Allowlist:0 '10.0.0.0/33' is not an address or CIDR block"));
        Assert.Contains("Detector:Detection:WindowSeconds must be between 1 and 3600.", errors);
        Assert.Contains("Detector:Slack:BurstThreshold must be at least 1.", errors);
    }
}
