using System.Net;
using System.Net.Sockets;
using Detector.Enforcement;
using Detector.Ingest;
using Detector.Domain;

namespace Detector.Tests.Domain;

public sealed class CidrTests
{
    [Theory]
    [InlineData("10.0.0.0/8", "10.255.1.2", true)]
    [InlineData("10.0.0.0/8", "11.0.0.0", false)]
    [InlineData("192.0.2.7", "192.0.2.7", true)]
    [InlineData("192.0.2.7", "192.0.2.8", false)]
    [InlineData("0.0.0.0/0", "198.51.100.1", true)]
    [InlineData("0.0.0.0/0", "2001:db8::1", false)]
    [InlineData("2001:db8::/32", "2001:db8:ffff::1", true)]
    [InlineData("2001:db8::/32", "2001:db9::1", false)]
    [InlineData("2001:db8::/127", "2001:db8::1", true)]
    [InlineData("2001:db8::/127", "2001:db8::2", false)]
    [InlineData("::1", "::1", true)]
    public void Block_contains_exactly_its_addresses(string block, string address, bool contained) =>
        Assert.Equal(contained, Cidr.Parse(block).Contains(IpKey.Parse(address)));

    [Theory]
    [InlineData("2001:db8::/32", "2001:db8:5::/48", true)]
    [InlineData("2001:db8:5::/48", "2001:db8::/32", true)]
    [InlineData("2001:db8:5::/48", "2001:db8:6::/48", false)]
    [InlineData("10.0.0.0/8", "10.1.0.0/16", true)]
    [InlineData("10.0.0.0/8", "11.0.0.0/8", false)]
    [InlineData("::/64", "::1", true)]
    public void Blocks_overlap_when_one_contains_the_other(string a, string b, bool overlap) =>
        Assert.Equal(overlap, Cidr.Parse(a).Overlaps(Cidr.Parse(b)));

    [Fact]
    public void IPv4_block_matches_an_IPv4_mapped_client_and_a_mapped_block_matches_IPv4()
    {
        Assert.True(Cidr.Parse("10.0.0.0/8").Contains(IpKey.Parse("::ffff:10.1.2.3")));
        Assert.True(Cidr.Parse("::ffff:10.0.0.0/104").Contains(IpKey.Parse("10.1.2.3")));
        Assert.Equal(Cidr.Parse("10.0.0.0/8"), Cidr.Parse("::ffff:10.0.0.0/104"));
    }

    [Theory]
    [InlineData("10.1.2.3/8", "10.0.0.0/8")]
    [InlineData("192.0.2.7", "192.0.2.7/32")]
    [InlineData(" 2001:DB8::1/32 ", "2001:db8::/32")]
    [InlineData("::ffff:10.0.0.0/104", "10.0.0.0/8")]
    [InlineData("::/0", "::/0")]
    public void Block_is_normalised(string text, string expected) => Assert.Equal(expected, Cidr.Parse(text).ToString());

    [Theory]
    [InlineData("")]
    [InlineData("10.0.0.0/33")]
    [InlineData("2001:db8::/129")]
    [InlineData("10.0.0.0/-1")]
    [InlineData("10.0.0.0/")]
    [InlineData("10.0.0.300/8")]
    [InlineData("example.com")]
    [InlineData("fe80::1%eth0")]
    [InlineData("10.0.0.0/8/9")]
    public void Bad_block_is_refused_with_a_reason(string text)
    {
        Assert.False(Cidr.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void Allowlist_names_the_key_and_index_of_a_bad_entry()
    {
        var error = Assert.Throws<FormatException>(() => Allowlist.Parse(["10.0.0.0/8", "10.0.0.0/40"], "Detector:Allowlist"));
        Assert.StartsWith("Detector:Allowlist:1 '10.0.0.0/40'", error.Message);
    }

    [Fact]
    public void Contains_agrees_with_a_bitwise_reference_on_random_blocks_and_addresses()
    {
        var random = new Random(20260429);
        for (var i = 0; i < 20_000; i++)
        {
            var v4 = random.Next(2) == 0;
            var network = RandomAddress(random, v4);
            var prefix = random.Next(v4 ? 33 : 129);
            // Half the probes share the block's leading bits, so both answers are exercised.
            var probe = random.Next(2) == 0 ? RandomAddress(random, v4) : Near(random, network, prefix);
            var text = $"{network}/{prefix}";

            Assert.Equal(ReferenceContains(network, prefix, probe), Cidr.Parse(text).Contains(IpKey.FromAddress(probe)));
            // Whatever family the client is logged in, the answer is the same.
            if (v4) Assert.Equal(ReferenceContains(network, prefix, probe), Cidr.Parse(text).Contains(IpKey.FromAddress(probe.MapToIPv6())));
        }
    }

    private static IPAddress RandomAddress(Random random, bool v4)
    {
        var bytes = new byte[v4 ? 4 : 16];
        random.NextBytes(bytes);
        return new IPAddress(bytes);
    }

    /// <summary>An address with the first <paramref name="prefix"/> bits of <paramref name="network"/> (give or take one).</summary>
    private static IPAddress Near(Random random, IPAddress network, int prefix)
    {
        var bytes = network.GetAddressBytes();
        var keep = Math.Max(0, prefix - random.Next(2));
        for (var bit = keep; bit < bytes.Length * 8; bit++)
            if (random.Next(2) == 0) bytes[bit / 8] ^= (byte)(0x80 >> (bit % 8));
        return new IPAddress(bytes);
    }

    /// <summary>Bit by bit over the address bytes, families compared as they are.</summary>
    private static bool ReferenceContains(IPAddress network, int prefix, IPAddress address)
    {
        if (network.AddressFamily != address.AddressFamily)
        {
            if (network.AddressFamily == AddressFamily.InterNetwork && address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
            else return false;
        }
        var n = network.GetAddressBytes();
        var a = address.GetAddressBytes();
        for (var bit = 0; bit < prefix; bit++)
        {
            var mask = 0x80 >> (bit % 8);
            if ((n[bit / 8] & mask) != (a[bit / 8] & mask)) return false;
        }
        return true;
    }
}
