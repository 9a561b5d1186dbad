namespace Detector.Simulation;

/// <summary>Weights of the benign client profiles on a site (normalised when used).</summary>
public sealed record ClientMix(double DesktopSync, double Browser, double Mobile, double Dav, double PublicShare, double Scanner)
{
    /// <summary>The original population's mix.</summary>
    public static ClientMix Default { get; } = new(0.20, 0.20, 0.35, 0.15, 0.07, 0.03);

    public double Total => DesktopSync + Browser + Mobile + Dav + PublicShare + Scanner;
}

/// <summary>
/// A site under the presence model: <paramref name="Clients"/> client addresses (about 1% monitoring probes, the rest
/// drawn from <paramref name="Mix"/>), each present per the site's <paramref name="Day"/> in its time zone
/// (<paramref name="UtcOffset"/>; the log stays UTC). Present clients run at their profile's nominal pace ×
/// <paramref name="Activity"/>; <paramref name="AlwaysOnDesktops"/> of the desktop clients never switch off (home
/// servers, office machines left on).
/// </summary>
public sealed record SitePlan(
    int Clients,
    TimeSpan UtcOffset,
    DayShape Day,
    ClientMix Mix,
    double Ipv6Share = 0.1,
    double Activity = 1,
    double AlwaysOnDesktops = 0.25)
{
    /// <summary>Expected request rate with every scheduled person present (req/s): the site's weekday peak ÷ the peak level.</summary>
    public double FullPresenceRate
    {
        get
        {
            var m = Mix;
            var perClient = (m.DesktopSync * DesktopSyncClient.NominalRatePerSecond + m.Browser * BrowserUser.NominalRatePerSecond +
                m.Mobile * MobileAppClient.NominalRatePerSecond + m.Dav * DavClient.NominalRatePerSecond +
                m.PublicShare * PublicShareVisitor.NominalRatePerSecond + m.Scanner * InternetScanner.NominalRatePerSecond) / m.Total;
            return Clients * perClient * Activity;
        }
    }
}
