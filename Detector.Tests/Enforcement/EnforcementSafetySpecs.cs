using Akka.Actor;
using Detector.Audit;
using Detector.Configuration;
using Detector.Ingest;
using Detector.Tests.Support;
using static Detector.Tests.Support.Traffic;
using Detector.Domain;
using Detector.Enforcement;

namespace Detector.Tests.Enforcement;

/// <summary>Loopback, this host, the allowlist and trusted proxies are never banned.</summary>
public sealed class EnforcementSafetySpecs
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(30);

    private static DetectorOptions Options()
    {
        var options = new DetectorOptions();
        options.Allowlist = ["192.0.2.0/24", "2001:db8:aa::/48"];
        options.TrustedProxies = ["10.0.0.2"];
        return options;
    }

    /// <summary>Two 30 s floods from <paramref name="ip"/>, eight minutes apart, over benign traffic.</summary>
    private static async Task FeedTwoFloods(PipelineHarness harness, string ip)
    {
        long[] floods = [Start + 120, Start + 600];
        foreach (var second in Seconds(Start, Start + 700,
                     extra: s => floods.Any(f => s >= f && s < f + 30) ? Flood(ip, s, 200) : []))
            await harness.FeedAsync(second);
    }

    [Theory]
    [InlineData("192.0.2.50", "allowlist=192.0.2.0/24")]
    [InlineData("2001:db8:aa::5", "allowlist=2001:db8:aa::/48")]
    [InlineData("10.0.0.2", "trusted_proxy=10.0.0.2/32")]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("::1", "loopback")]
    public async Task Flood_from_an_exempt_address_is_audited_once_per_episode_and_never_banned(string ip, string reason)
    {
        await using var harness = await PipelineHarness.StartAsync(Options());

        await FeedTwoFloods(harness, ip);

        var events = await harness.AuditEventsAsync();
        var allowlisted = events.Where(e => e.Action == AuditAction.Allowlisted).ToList();
        Assert.Equal(2, allowlisted.Count);
        Assert.All(allowlisted, e => Assert.Equal((ip, reason), (e.Subject, e.Duration)));
        Assert.InRange(allowlisted[0].At, Start + 120, Start + 130);
        Assert.InRange(allowlisted[1].At, Start + 600, Start + 610);
        Assert.StartsWith("ip_", allowlisted[0].Condition);
        Assert.Matches(@"^mean=\d+\.\d std=\d+\.\d$", allowlisted[0].Baseline);
        Assert.DoesNotContain(events, e => e.Action == AuditAction.Ban);
        Assert.Empty(harness.Firewall.Calls);
    }

    [Fact]
    public async Task Allowlisted_line_has_the_audit_shape()
    {
        await using var harness = await PipelineHarness.StartAsync(Options());
        await FeedTwoFloods(harness, "192.0.2.50");

        var line = (await harness.AuditEventsAsync()).First(e => e.Action == AuditAction.Allowlisted).Format();

        Assert.Matches(@"^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\] ALLOWLISTED 192\.0\.2\.50 \| ip_\S+ \| \d+\.\d req/s \| mean=\S+ std=\S+ \| allowlist=192\.0\.2\.0/24$", line);
        Assert.NotNull(AuditEvent.TryParse(line));
    }

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1 is not banned: it is a loopback address.")]
    [InlineData("192.0.2.9", "192.0.2.9 is not banned: it is in Detector:Allowlist (192.0.2.0/24).")]
    [InlineData("2001:db8:aa::1", "2001:db8:aa::1 is not banned: it is in Detector:Allowlist (2001:db8:aa::/48).")]
    [InlineData("10.0.0.2", "10.0.0.2 is not banned: it is a trusted proxy (Detector:TrustedProxies 10.0.0.2/32).")]
    [InlineData("0.0.0.0", "0.0.0.0 is not banned: it is the unspecified address (0.0.0.0/8), never a client's.")]
    [InlineData("::", ":: is not banned: it is the unspecified address (::), never a client's.")]
    [InlineData("255.255.255.255", "255.255.255.255 is not banned: it is the broadcast address, never a client's.")]
    [InlineData("224.0.0.1", "224.0.0.1 is not banned: it is a multicast address, never a client's.")]
    [InlineData("ff02::1", "ff02::1 is not banned: it is a multicast address, never a client's.")]
    public async Task Manual_ban_of_an_exempt_address_is_refused_with_the_reason_and_audited(string ip, string message)
    {
        await using var harness = await PipelineHarness.StartAsync(Options());

        var result = await harness.Enforcement.Ask<ManualActionResult>(new BanManually(IpKey.Parse(ip), null, Start), AskTimeout);

        Assert.Equal(new ManualActionResult(false, message, Refused: true), result);
        Assert.Null((await harness.Enforcement.Ask<OffenderInfo>(new GetOffender(IpKey.Parse(ip)), AskTimeout)).Record);
        Assert.Empty(harness.Firewall.Calls);
        var refused = Assert.Single(await harness.AuditEventsAsync(), e => e.Action == AuditAction.BanRefused);
        Assert.Equal((ip, "manual", Start), (refused.Subject, refused.Condition, refused.At));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(3650 * 86400 + 1)]
    public async Task Manual_ban_outside_the_duration_bounds_is_refused(long seconds)
    {
        await using var harness = await PipelineHarness.StartAsync(Options());

        var result = await harness.Enforcement.Ask<ManualActionResult>(
            new BanManually(IpKey.Parse("203.0.113.9"), TimeSpan.FromSeconds(seconds), Start), AskTimeout);

        Assert.Equal((false, true), (result.Changed, result.Refused));
        Assert.Contains("3650d", result.Message);
        Assert.Empty(harness.Firewall.Calls);
    }

    [Fact]
    public async Task Manual_ban_of_anyone_else_still_works()
    {
        await using var harness = await PipelineHarness.StartAsync(Options());

        var result = await harness.Enforcement.Ask<ManualActionResult>(new BanManually(IpKey.Parse("203.0.113.9"), null, Start), AskTimeout);

        Assert.Equal(new ManualActionResult(true, "203.0.113.9 banned"), result);
        await Eventually.True(() => !harness.Firewall.Calls.IsEmpty, TimeSpan.FromSeconds(10), "the firewall ban");
        Assert.Equal(("ban", IpKey.Parse("203.0.113.9")), harness.Firewall.Calls.Select(c => (c.Action, c.Ip)).Single());
    }
}
