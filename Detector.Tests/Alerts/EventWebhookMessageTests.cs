using System.Text.Json;
using Detector.Alerts;
using Detector.Domain;

namespace Detector.Tests.Alerts;

/// <summary>The webhook body of an attacked account (the name only when configured) and of range events (the audit
/// line's fields and the range's typed ones).</summary>
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

    private static readonly long At = DateTimeOffset.Parse("2026-04-29T14:24:29Z").ToUnixTimeSeconds();
    private static readonly IpKey[] Members = [IpKey.Parse("2001:db8:0:1::5"), IpKey.Parse("2001:db8:0:1::6"), IpKey.Parse("2001:db8:0:1::7")];

    private static JsonElement Body(DetectorEvent e) =>
        JsonDocument.Parse(EventWebhookMessage.Of(e, "node-1", Guid.Empty).Body).RootElement;

    [Fact]
    public void A_range_ban_carries_the_range_its_members_and_its_ladder_step()
    {
        var body = Body(new RangeBanImposed(At, Cidr.Parse("2001:db8:0:1::/64"), 2, At + 1800, "range>=3/600s", Members, 11.2, 6.1));

        Assert.Equal(("BAN_RANGE", "2001:db8:0:1::/64", "2001:db8:0:1::/64", 2, 1800L),
            (body.GetProperty("action").GetString(), body.GetProperty("subject").GetString(), body.GetProperty("range").GetString(),
             body.GetProperty("offence").GetInt32(), body.GetProperty("duration_s").GetInt64()));
        Assert.Equal(Members.Select(m => m.ToString()), body.GetProperty("members").EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public void A_range_unban_carries_the_range_its_members_and_the_reason()
    {
        var body = Body(new RangeBanLifted(At, Cidr.Parse("203.0.113.0/24"), "manual", 600, [IpKey.Parse("203.0.113.7")], 11, 6));

        Assert.Equal(("UNBAN_RANGE", "203.0.113.0/24", "manual", "203.0.113.7"),
            (body.GetProperty("action").GetString(), body.GetProperty("range").GetString(), body.GetProperty("reason").GetString(),
             body.GetProperty("members")[0].GetString()));
    }
}
