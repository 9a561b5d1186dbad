using Detector.Ingest;
using Detector.Domain;

namespace Detector.Tests.Ingest;

public class LogParserAddressTests
{
    private static AccessLogEntry ParseWithIp(string ip) =>
        new LogParserFixture().ParseGood($$"""{"remote_addr":"{{ip}}","time":"2026-04-29T14:24:29Z","status":200}""");

    [Theory]
    [InlineData("203.0.113.9")]
    [InlineData("0.0.0.0")]
    [InlineData("255.255.255.255")]
    [InlineData("10.1.20.255")]
    public void Ipv4_is_parsed(string ip)
    {
        var entry = ParseWithIp(ip);
        Assert.True(entry.Ip.IsV4);
        Assert.Equal(ip, entry.Ip.ToString());
    }

    [Fact]
    public void Ipv4_mapped_ipv6_is_the_same_client_as_plain_ipv4()
    {
        Assert.Equal(ParseWithIp("1.2.3.4").Ip, ParseWithIp("::ffff:1.2.3.4").Ip);
        Assert.Equal(ParseWithIp("1.2.3.4").Ip, ParseWithIp("::FFFF:1.2.3.4").Ip);
        Assert.Equal("1.2.3.4", ParseWithIp("::ffff:1.2.3.4").Ip.ToString());
    }

    [Theory]
    [InlineData("2001:db8::1")]
    [InlineData("2001:DB8:0:0:0:0:0:1")]
    public void Ipv6_is_parsed_into_one_key_per_address(string ip)
    {
        var entry = ParseWithIp(ip);
        Assert.False(entry.Ip.IsV4);
        Assert.Equal(IpKey.Parse("2001:db8::1"), entry.Ip);
    }

    [Theory]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("1::")]
    [InlineData("fe80::")]
    [InlineData("2001:db8:85a3::8a2e:370:7334")]
    [InlineData("2001:0db8:85a3:0000:0000:8a2e:0370:7334")]
    [InlineData("1:2:3:4:5:6:7::")]
    [InlineData("::2:3:4:5:6:7:8")]
    [InlineData("1:2:3:4:5:6:7:8")]
    [InlineData("::ffff:192.0.2.128")]
    [InlineData("::192.0.2.128")]
    [InlineData("64:ff9b::192.0.2.33")]
    [InlineData("1:2:3:4:5:6:1.2.3.4")]
    [InlineData("ABCD:EF01::ffff")]
    public void Ipv6_text_forms_give_the_same_key_as_IPAddress(string ip)
    {
        Assert.Equal(IpKey.Parse(ip), ParseWithIp(ip).Ip);
    }

    [Theory]
    [InlineData("\"-\"")]
    [InlineData("\"\"")]
    [InlineData("null")]
    public void Dash_empty_or_null_address_is_missing(string value)
    {
        var fixture = new LogParserFixture();
        Assert.Equal(MalformedReason.MissingIp, fixture.ParseBad($$"""{"remote_addr":{{value}},"time":"2026-04-29T14:24:29Z","status":200}"""));
    }

    [Theory]
    [InlineData("\"999.1.1.1\"")]
    [InlineData("\"1.2.3\"")]
    [InlineData("\"1.2.3.4.5\"")]
    [InlineData("\"01.2.3.4\"")]
    [InlineData("\"10\"")]
    [InlineData("\"fe80::1%eth0\"")]
    [InlineData("\"[2001:db8::1]\"")]
    [InlineData("\"2001:db8::1::2\"")]
    [InlineData("\"1:2:3:4:5:6:7:8:9\"")]
    [InlineData("\"1:2:3:4:5:6:7:8::\"")]
    [InlineData("\"12345::1\"")]
    [InlineData("\":1\"")]
    [InlineData("\"1:\"")]
    [InlineData("\":::\"")]
    [InlineData("\"::ffff:1.2.3\"")]
    [InlineData("\"1:2:3:4:5:6:7:1.2.3.4\"")]
    [InlineData("\"::g\"")]
    [InlineData("\"1.2.3.4:8080\"")]
    [InlineData("\"unix:\"")]
    [InlineData("\"example.org\"")]
    [InlineData("\" 1.2.3.4\"")]
    [InlineData("1234")]
    public void Anything_else_is_an_invalid_address(string value)
    {
        var fixture = new LogParserFixture();
        Assert.Equal(MalformedReason.InvalidIp, fixture.ParseBad($$"""{"remote_addr":{{value}},"time":"2026-04-29T14:24:29Z","status":200}"""));
    }
}
