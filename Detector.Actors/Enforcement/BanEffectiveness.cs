using Detector.Ingest;
using Detector.Domain;

namespace Detector.Enforcement;

/// <summary>A ban that does not stop the traffic: lines kept arriving past the grace period.</summary>
public sealed record IneffectiveBan(IpKey Ip, long At, long BannedAt, long? ExpiresAt, long LinesAfterBan, double Rate);

/// <summary>
/// The active bans as the detection side sees them, and whether each one works: an IP that still sends log
/// lines <c>grace</c> seconds or more after its ban is reported once per ban. Only a firewall that really
/// enforces can be judged; otherwise bans are tracked but never reported. Times are event-time seconds.
/// </summary>
public sealed class BanEffectiveness(long graceSeconds, bool firewallEnforces)
{
    private sealed class Watch(long bannedAt, long? expiresAt)
    {
        public long BannedAt { get; } = bannedAt;
        public long? ExpiresAt { get; } = expiresAt;
        public long LinesAfterBan;
        public bool Reported;
    }

    private readonly Dictionary<IpKey, Watch> _bans = new();

    public long GraceSeconds { get; } = graceSeconds;
    public bool FirewallEnforces { get; } = firewallEnforces;
    public int Count => _bans.Count;

    public bool IsBanned(IpKey ip) => _bans.ContainsKey(ip);

    /// <summary>A (new) ban starts watching from zero; a re-ban after an unban is a new ban.</summary>
    public void Banned(IpKey ip, long at, long? expiresAt) => _bans[ip] = new Watch(at, expiresAt);

    public void Unbanned(IpKey ip) => _bans.Remove(ip);

    /// <summary>The banned <paramref name="ip"/> sent <paramref name="requests"/> lines in <paramref name="second"/>.</summary>
    /// <returns>The report, the first time the ban is seen not to work; otherwise null.</returns>
    public IneffectiveBan? Observe(IpKey ip, long second, long requests)
    {
        if (requests <= 0 || !_bans.TryGetValue(ip, out var watch) || second < watch.BannedAt) return null;
        watch.LinesAfterBan += requests;
        if (!FirewallEnforces || watch.Reported || second < watch.BannedAt + GraceSeconds) return null;

        watch.Reported = true;
        var now = second + 1;
        var rate = watch.LinesAfterBan / (double)Math.Max(1, now - watch.BannedAt);
        return new IneffectiveBan(ip, now, watch.BannedAt, watch.ExpiresAt, watch.LinesAfterBan, rate);
    }
}
