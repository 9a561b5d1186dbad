using Detector.Host.Api;
using Detector.Tests.Host.Api;

namespace Detector.Tests.Host.Verbs;

/// <summary>
/// <c>run --from-start</c> (the daemon as <c>run</c> builds it, reading its log from the start) on a log whose first
/// lines are dated 1970 and years ago: they are turned down and counted, the daemon is at the present within seconds,
/// and a flood after them is banned (issue 10, item 1; before, it crawled through the decades for hours).
/// </summary>
public sealed class RunFromStartOddTimeSpecs
{
    [Fact]
    public async Task Lines_of_1970_and_of_years_ago_are_counted_as_implausible_and_the_daemon_catches_up_at_once()
    {
        await using var detector = await LiveDetector.StartAsync();
        await detector.AppendAsync([
            LiveDetector.Line(DateTimeOffset.UnixEpoch, "198.51.100.200", "GET", "/", 200, "curl/8.5.0"),
            LiveDetector.Line(DateTimeOffset.UtcNow.AddYears(-3), "198.51.100.201", "GET", "/", 200, "curl/8.5.0"),
        ]);
        await detector.WriteTrafficAsync(seconds: 4, floodPerSecond: 100);

        await detector.UntilAsync<BansDto>("/api/bans", b => b.Bans.Any(x => x.Ip == LiveDetector.Flooder), "the flooder's ban");
        var status = await detector.UntilAsync<StatusDto>("/api/status", s => s.Lines == detector.LinesWritten, "every written line read");

        Assert.Equal(2, status.Malformed["implausible_time"]);
        var eventTime = DateTimeOffset.Parse(status.EventTime!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(eventTime, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
    }
}
