using Detector.Domain;

namespace Detector.Tests.Domain;

public sealed class IpKeyTests
{
    [Theory]
    [InlineData("203.0.113.9", "203.0.113.9")]
    [InlineData("0.0.0.0", "0.0.0.0")]
    [InlineData("255.255.255.255", "255.255.255.255")]
    [InlineData("2001:db8::1", "2001:db8::1")]
    [InlineData("::ffff:203.0.113.9", "203.0.113.9")]
    [InlineData("::", "::")]
    public void Strict_parsing_takes_full_dotted_quads_and_IPv6(string text, string parsed)
    {
        Assert.True(IpKey.TryParseStrict(text, out var ip));
        Assert.Equal(parsed, ip.ToString());
    }

    [Theory]
    [InlineData("010.0.0.1")]   // octal: 8.0.0.1 to the lenient parser
    [InlineData("10.1")]        // 10.0.0.1
    [InlineData("1")]           // 0.0.0.1
    [InlineData("1.2.3")]
    [InlineData("0x7f.0.0.1")]
    [InlineData("256.1.1.1")]
    [InlineData("1.2.3.4.5")]
    [InlineData("1..2.3")]
    [InlineData(" 1.2.3.4")]
    [InlineData("1.2.3.4/32")]
    [InlineData("fe80::1%eth0")]
    [InlineData("")]
    [InlineData(null)]
    public void Strict_parsing_rejects_legacy_and_odd_forms(string? text)
    {
        Assert.False(IpKey.TryParseStrict(text, out _));
    }

    [Fact]
    public void The_lenient_parser_still_reads_what_a_log_may_hold() =>
        Assert.Equal("8.0.0.1", IpKey.Parse("010.0.0.1").ToString());
}
