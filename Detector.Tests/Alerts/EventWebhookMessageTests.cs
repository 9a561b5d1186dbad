using System.Text.Json;
using Detector.Alerts;
using Detector.Domain;

namespace Detector.Tests.Alerts;

/// <summary>The webhook body of an attacked account: the name only when configured.</summary>
public sealed class EventWebhookMessageTests
{
    private static readonly AccountAttacked Attacked = new(1_777_472_669, "alice", AccountNames.Pseudonym("alice"),
        "account_failed_logins>=12/900s_networks>=6", 40, 17, 15, 3, 900);

    private static JsonElement Body(bool includeAccountNames) =>
        JsonDocument.Parse(EventWebhookMessage.Of(Attacked, "node-1", Guid.NewGuid(), includeAccountNames).Body).RootElement;

    [Fact]
    public void By_default_the_account_is_named_by_its_pseudonym_only()
    {
        var body = Body(includeAccountNames: false);

        Assert.DoesNotContain("alice", body.GetRawText(), StringComparison.Ordinal);
        Assert.Equal("ALERT", body.GetProperty("action").GetString());
        Assert.Equal("account:acct-2bd806c9", body.GetProperty("subject").GetString());
        Assert.Equal("acct-2bd806c9", body.GetProperty("account_id").GetString());
        Assert.Equal("user=withheld", body.GetProperty("duration").GetString());
        Assert.False(body.TryGetProperty("account", out _));
        Assert.Equal((40, 17, 15), (body.GetProperty("failures").GetInt32(), body.GetProperty("addresses").GetInt32(), body.GetProperty("networks").GetInt32()));
    }

    [Fact]
    public void Configured_the_name_is_sent_as_logged()
    {
        var body = Body(includeAccountNames: true);

        Assert.Equal("alice", body.GetProperty("account").GetString());
        Assert.Equal("user=\"alice\"", body.GetProperty("duration").GetString());
    }
}
