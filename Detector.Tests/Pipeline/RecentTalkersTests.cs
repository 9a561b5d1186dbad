using Detector.Pipeline;
using Detector.Ingest;
using Detector.IpWindows;
using Detector.Domain;

namespace Detector.Tests.Pipeline;

public sealed class RecentTalkersTests
{
    private static readonly IpKey A = IpKey.Parse("198.51.100.1");
    private static readonly IpKey B = IpKey.Parse("198.51.100.2");
    private static readonly IpKey C = IpKey.Parse("2001:db8::3");

    private static SecondCounts Requests(int n, int errors = 0) => new(n, errors, 0, 0);

    [Fact]
    public void Counts_exactly_the_last_window_of_seconds()
    {
        var talkers = new RecentTalkers(windowSeconds: 60);
        talkers.Add(100, A, Requests(5));
        talkers.Add(130, A, Requests(7, errors: 2));
        talkers.Add(159, B, Requests(3));

        talkers.AdvanceTo(159);
        Assert.Equal([(A, 12, 2), (B, 3, 0)], Top(talkers));

        talkers.AdvanceTo(160); // second 100 leaves the window (101..160)
        Assert.Equal([(A, 7, 2), (B, 3, 0)], Top(talkers));

        talkers.AdvanceTo(219);
        Assert.Empty(Top(talkers));
        Assert.Equal(0, talkers.Count);
    }

    [Fact]
    public void Top_is_ordered_by_requests_then_address_and_marks_banned_ips()
    {
        var talkers = new RecentTalkers(windowSeconds: 60);
        talkers.Add(10, C, Requests(4));
        talkers.Add(10, B, Requests(9));
        talkers.Add(10, A, Requests(4));
        talkers.AdvanceTo(10);

        var top = talkers.Top(2, ip => ip == B);
        Assert.Equal([B, A], top.Select(t => t.Ip));
        Assert.True(top[0].Banned);
        Assert.False(top[1].Banned);
    }

    private static List<(IpKey, int, int)> Top(RecentTalkers talkers) =>
        talkers.Top(10, _ => false).Select(t => (t.Ip, t.Window.Requests, t.Window.Errors)).ToList();
}
