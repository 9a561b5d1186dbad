using Detector.Tests.Host.Api;
using Detector.Host.Verbs;
using Detector.Host.DaemonClient;
using Detector.Host.Api;

namespace Detector.Tests.Host.Verbs;

/// <summary>The status, bans, ban and unban verbs against a real running daemon (live tail, sharded windows, HTTP).</summary>
public sealed class DaemonVerbEndToEndSpecs
{
    private const string Token = "e2e-token-3f9a";
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Verbs_show_and_change_the_running_daemons_bans()
    {
        await using var detector = await LiveDetector.StartAsync(Token);
        await detector.WriteTrafficAsync(seconds: 3, floodPerSecond: 200, cancellation: Cancellation);
        await detector.UntilAsync<Detector.Host.Api.BansDto>("/api/bans", b => b.Bans.Any(x => x.Ip == LiveDetector.Flooder), "the flooder's ban");
        var url = new Uri(detector.Options.Http.Url);
        var withToken = new DaemonConnection(url, Token, TimeSpan.FromSeconds(10));
        var wrongToken = new DaemonConnection(url, "not-the-token", TimeSpan.FromSeconds(10));

        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(0, await StatusCommand.RunAsync(withToken, json: false, output, error, Cancellation));
        Assert.Contains("running", output.ToString());

        output = new StringWriter();
        Assert.Equal(0, await BansCommand.RunAsync(withToken, json: false, output, error, Cancellation));
        Assert.Contains(LiveDetector.Flooder, output.ToString());

        Assert.Equal(4, await BanCommands.BanAsync(wrongToken, "192.0.2.200", "10m", json: false, new StringWriter(), error, Cancellation));
        Assert.Equal(0, await BanCommands.BanAsync(withToken, "192.0.2.200", "10m", json: false, new StringWriter(), error, Cancellation));
        output = new StringWriter();
        await BansCommand.RunAsync(withToken, json: false, output, error, Cancellation);
        Assert.Contains("192.0.2.200", output.ToString());

        Assert.Equal(0, await BanCommands.UnbanAsync(withToken, "192.0.2.200", json: false, new StringWriter(), error, Cancellation));
        output = new StringWriter();
        await BansCommand.RunAsync(withToken, json: true, output, error, Cancellation);
        Assert.DoesNotContain("192.0.2.200", output.ToString());
        Assert.Contains(LiveDetector.Flooder, output.ToString());
    }
}
