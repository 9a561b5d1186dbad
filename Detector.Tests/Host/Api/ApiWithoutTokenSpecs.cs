using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Detector.Host.Api;

namespace Detector.Tests.Host.Api;

public sealed class ApiWithoutTokenSpecs
{
    [Fact]
    public async Task Without_a_configured_token_mutating_endpoints_are_disabled()
    {
        await using var detector = await LiveDetector.StartAsync(token: null);
        var cancellation = TestContext.Current.CancellationToken;

        using var ban = new HttpRequestMessage(HttpMethod.Post, "/api/bans") { Content = JsonContent.Create(new BanRequest("198.51.100.9", null), options: ApiJson.Options) };
        ban.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "anything");
        var banned = await detector.Http.SendAsync(ban, cancellation);
        Assert.Equal(HttpStatusCode.Forbidden, banned.StatusCode);
        Assert.Contains("disabled", (await banned.Content.ReadFromJsonAsync<ErrorDto>(cancellation))!.Error);

        var unbanned = await detector.Http.DeleteAsync("/api/bans/198.51.100.9", cancellation);
        Assert.Equal(HttpStatusCode.Forbidden, unbanned.StatusCode);

        Assert.Empty((await detector.GetAsync<BansDto>("/api/bans")).Bans);
    }
}
