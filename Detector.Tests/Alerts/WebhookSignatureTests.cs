using System.Text;
using Detector.Alerts;

namespace Detector.Tests.Alerts;

public class WebhookSignatureTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"action\":\"BAN\"}");

    [Fact]
    public void Signs_timestamp_dot_body_with_hmac_sha256()
    {
        // Known answer, computed independently: python3 -c "import hmac,hashlib;
        // print(hmac.new(b'k3y', b'1700000000.{\"action\":\"BAN\"}', hashlib.sha256).hexdigest())"
        Assert.Equal("sha256=1e50ddc4b69ac4d5c91a0bbc3a2affe59e399f3fb41d7bff389953ef473b76ef",
            WebhookSignature.Sign("k3y", 1_700_000_000, Body));
    }

    [Fact]
    public void Verifies_only_the_same_secret_timestamp_and_body()
    {
        var signature = WebhookSignature.Sign("k3y", 1_700_000_000, Body);

        Assert.True(WebhookSignature.Verify("k3y", "1700000000", Body, signature));
        Assert.False(WebhookSignature.Verify("other", "1700000000", Body, signature));
        Assert.False(WebhookSignature.Verify("k3y", "1700000001", Body, signature));
        Assert.False(WebhookSignature.Verify("k3y", "1700000000", Encoding.UTF8.GetBytes("{\"action\":\"UNBAN\"}"), signature));
        Assert.False(WebhookSignature.Verify("k3y", "not a number", Body, signature));
        Assert.False(WebhookSignature.Verify("k3y", "1700000000", Body, null));
    }
}
