using System.Text;
using Detector.Ingest.Parsing;

namespace Detector.Tests.Ingest.Parsing;

public class Utf8StringPoolTests
{
    [Fact]
    public void Same_bytes_return_the_same_instance()
    {
        var pool = new Utf8StringPool(capacity: 16);
        var first = pool.Get("Mozilla/5.0 ünïcode"u8);
        Assert.Equal("Mozilla/5.0 ünïcode", first);
        Assert.Same(first, pool.Get(Encoding.UTF8.GetBytes("Mozilla/5.0 ünïcode")));
    }

    [Fact]
    public void Values_over_the_size_limit_are_decoded_but_not_kept()
    {
        var pool = new Utf8StringPool(capacity: 16, maxBytes: 8);
        var a = pool.Get("/0123456789"u8);
        var b = pool.Get("/0123456789"u8);
        Assert.Equal("/0123456789", b);
        Assert.NotSame(a, b);
    }

    [Fact]
    public void A_full_pool_still_returns_correct_values_and_keeps_recent_ones()
    {
        var pool = new Utf8StringPool(capacity: 8);
        for (var i = 0; i < 1000; i++)
            Assert.Equal($"/p/{i}", pool.Get(Encoding.UTF8.GetBytes($"/p/{i}")));
        var recent = pool.Get("/p/999"u8);
        Assert.Same(recent, pool.Get("/p/999"u8));
        Assert.Equal(8, pool.Capacity);
    }

    [Fact]
    public void Empty_input_is_the_empty_string()
    {
        Assert.Same(string.Empty, new Utf8StringPool().Get(default));
    }
}
