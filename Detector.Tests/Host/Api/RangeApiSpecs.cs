using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Detector.Host.Api;
using Detector.Tests.Support;

namespace Detector.Tests.Host.Api;

/// <summary>Range bans through the live daemon's HTTP API: listed with their members, and lifted by a DELETE of the
/// range (the slash encoded, or as it is). A detector of its own: its manual bans must not change what other specs count.</summary>
public sealed class RangeApiSpecs
{
    private const string Token = "range-operator-token";
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static async Task<HttpResponseMessage> SendAsync(LiveDetector detector, HttpMethod method, string path, BanRequest? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body, options: ApiJson.Options);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return await detector.Http.SendAsync(request, Cancellation);
    }

    [Fact]
    public async Task Three_manual_bans_in_one_slash_64_become_a_range_ban_and_deleting_the_range_lifts_them_all()
    {
        await using var detector = await LiveDetector.StartAsync(Token);
        string[] members = ["2001:db8:77:1::a", "2001:db8:77:1::b", "2001:db8:77:1::c"];
        foreach (var member in members)
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(detector, HttpMethod.Post, "/api/bans", new BanRequest(member, null))).StatusCode);

        var bans = (await detector.GetAsync<BansDto>("/api/bans")).Bans;
        var listed = Assert.Single(bans, b => b.Ip == "2001:db8:77:1::/64");
        Assert.Equal("range>=3/600s", listed.Condition);
        Assert.Equal(members, listed.Members);
        Assert.DoesNotContain(bans, b => members.Contains(b.Ip));
        Assert.Equal(1, (await detector.GetAsync<StatusDto>("/api/status")).ActiveBans); // one entry: the range
        await detector.UntilAsync<AuditDto>("/api/audit", a => a.Events.Any(e => e.Action == "BAN_RANGE" && e.Subject == "2001:db8:77:1::/64"), "the BAN_RANGE line");

        var unban = await SendAsync(detector, HttpMethod.Delete, "/api/bans/" + Uri.EscapeDataString("2001:db8:77:1::/64"), null);
        Assert.Equal(HttpStatusCode.OK, unban.StatusCode);
        Assert.Equal(new ManualActionDto(true, "2001:db8:77:1::/64 unbanned, with its members"), await unban.Content.ReadFromJsonAsync<ManualActionDto>(Cancellation));
        Assert.Empty((await detector.GetAsync<BansDto>("/api/bans")).Bans);
        await detector.UntilAsync<AuditDto>("/api/audit", a => a.Events.Any(e => e.Action == "UNBAN_RANGE" && e.Subject == "2001:db8:77:1::/64"), "the UNBAN_RANGE line");

        // The slash may also come as it is; the range is no longer banned.
        var again = await SendAsync(detector, HttpMethod.Delete, "/api/bans/2001:db8:77:1::/64", null);
        Assert.Equal(new ManualActionDto(false, "2001:db8:77:1::/64 is not banned as a range"), await again.Content.ReadFromJsonAsync<ManualActionDto>(Cancellation));
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(detector, HttpMethod.Delete, "/api/bans/2001:db8:77:1::/129", null)).StatusCode);
    }
}
