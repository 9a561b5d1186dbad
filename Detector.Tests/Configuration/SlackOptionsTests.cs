using Detector.Configuration;
using Detector.Host.Composition;

namespace Detector.Tests.Configuration;

public class SlackOptionsTests
{
    [Fact]
    public void A_bad_webhook_url_is_reported_by_key_without_echoing_it()
    {
        var options = new DetectorOptions();
        options.Slack.WebhookUrl = "hooks.slack.invalid/services/T/B/sEcReT";

        var errors = options.Validate();

        var error = Assert.Single(errors);
        Assert.StartsWith("Detector:Slack:WebhookUrl", error);
        Assert.DoesNotContain("sEcReT", error);
    }

    [Fact]
    public void An_unreadable_webhook_url_file_is_reported_by_key()
    {
        var options = new DetectorOptions();
        options.Slack.WebhookUrlFile = "/nonexistent/slack-webhook";

        var error = Assert.Single(options.Validate());

        Assert.StartsWith("Detector:Slack:WebhookUrlFile", error);
        Assert.Contains("/nonexistent/slack-webhook", error);
    }

    [Fact]
    public void The_webhook_url_binds_from_the_environment_style_key_and_validates()
    {
        var configuration = DetectorConfiguration.Build(null, new Dictionary<string, string?>
        {
            ["Detector:Slack:WebhookUrl"] = "https://hooks.slack.invalid/services/T/B/x",
            ["Detector:Slack:Actions:0"] = "BAN",
        });

        var options = DetectorConfiguration.Bind(configuration);

        Assert.Equal("https://hooks.slack.invalid/services/T/B/x", options.Slack.WebhookUrl);
        Assert.Equal(["BAN"], options.Slack.EffectiveActions);
        Assert.Equal(SlackOptions.DefaultActions, new SlackOptions().EffectiveActions);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Nonsense_delivery_settings_are_reported()
    {
        var options = new DetectorOptions();
        options.Slack.QueueCapacity = 0;
        options.Slack.AttemptTimeoutSeconds = 30;
        options.Slack.TotalTimeoutSeconds = 10;
        options.Slack.BurstThreshold = 0;

        var errors = options.Validate();

        Assert.Contains(errors, e => e.StartsWith("Detector:Slack:QueueCapacity"));
        Assert.Contains(errors, e => e.StartsWith("Detector:Slack:TotalTimeoutSeconds"));
        Assert.Contains(errors, e => e.StartsWith("Detector:Slack:BurstThreshold"));
    }
}
