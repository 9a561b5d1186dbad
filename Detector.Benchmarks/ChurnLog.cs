using System.Globalization;
using System.Text;

namespace Detector.Benchmarks;

/// <summary>
/// Lines of address churn (issue 10, item 2): each request from an address never seen before (IPv6, one /64 per
/// 65,536 addresses, as anyone holding a /48 can send), plus one flooder among them that must still be banned.
/// </summary>
internal static class ChurnLog
{
    public static readonly string Flooder = "203.0.113.66";
    /// <summary>2026-04-29T08:00:00Z.</summary>
    public static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_777_449_600);

    public static string NewAddress(long i) =>
        string.Create(CultureInfo.InvariantCulture, $"2001:db8:{(i >> 32) & 0xffff:x}:{(i >> 16) & 0xffff:x}::{i & 0xffff:x}");

    public static string Line(long unixMs, string address) =>
        string.Create(CultureInfo.InvariantCulture,
            $$"""{"msec":"{{unixMs / 1000}}.{{unixMs % 1000:D3}}","remote_addr":"{{address}}","request_method":"GET","request_uri":"/index.php/apps/files/","status":"200","body_bytes_sent":"512","http_user_agent":"Mozilla/5.0"}""");

    /// <summary>Writes <paramref name="addresses"/> one-request addresses spread evenly over
    /// <paramref name="seconds"/> of log time, and a 200 req/s flood from one address for 30 s in the middle.</summary>
    public static void Write(string path, long addresses, int seconds)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), 1 << 20) { NewLine = "\n" };
        var startMs = Start.ToUnixTimeMilliseconds();
        var floodFrom = startMs + seconds * 500L;
        var floodTo = floodFrom + 30_000;
        var nextFloodMs = floodFrom;
        for (long i = 0; i < addresses; i++)
        {
            var at = startMs + i * seconds * 1000L / addresses;
            for (; nextFloodMs <= at && nextFloodMs < floodTo; nextFloodMs += 5) writer.WriteLine(Line(nextFloodMs, Flooder));
            writer.WriteLine(Line(at, NewAddress(i)));
        }
    }
}
