using Detector.Domain;
using Detector.Enforcement.Firewall;

namespace Detector.Enforcement;

/// <summary>A ban that does not stop the traffic: lines kept arriving past the grace period.</summary>
public sealed record IneffectiveBan(IpKey Ip, long At, long BannedAt, long? ExpiresAt, long LinesAfterBan, double Rate);

/// <summary>
/// The detection side's copy of the active bans (the ledger in <see cref="EnforcementActor"/> is the truth): who is
/// banned, when the next ban expires, and whether each ban works — an IP that still sends log lines
/// <c>grace</c> seconds or more after its ban is reported once per ban. Only a firewall that really enforces can
/// be judged; otherwise bans are tracked but never reported. When Nginx enforces the ban (the nginx backend), it logs
/// its own answer to each of the banned client's requests: lines with that status (<paramref name="answerStatus"/>)
/// are the ban working and are not counted (<see cref="Answered"/>); any other line still is. Pure: times are
/// event-time seconds, state changes only through <see cref="Apply(IReadOnlyList{LedgerEvent}, long?)"/>,
/// <see cref="Banned"/>, <see cref="Unbanned"/>, <see cref="Answered"/> and <see cref="Observe"/>.
/// </summary>
public sealed class BanMirror(long graceSeconds, bool firewallEnforces, int? answerStatus = null)
{
    private sealed class Watch(long bannedAt, long? expiresAt)
    {
        public long BannedAt { get; } = bannedAt;
        public long? ExpiresAt { get; } = expiresAt;
        public long LinesAfterBan;
        public bool Reported;
    }

    private readonly Dictionary<IpKey, Watch> _bans = new();
    // Lines of banned addresses answered with the ban's status in the open second, by address.
    private readonly Dictionary<IpKey, long> _answered = new();
    // Range bans, found by masking an address to each prefix length in use (one or two): O(1) per address however
    // many ranges are banned.
    private readonly Dictionary<BanTarget, Watch> _ranges = new();
    private readonly RangeLengths _lengths = new();

    public long GraceSeconds { get; } = graceSeconds;
    public bool FirewallEnforces { get; } = firewallEnforces;
    // The status Nginx answers banned clients with when it enforces bans; -1 (no status) otherwise.
    private readonly int _answerStatus = answerStatus ?? -1;
    public int Count => _bans.Count + _ranges.Count;

    /// <summary>The earliest expiry of a timed ban, as enforcement last said; null when none.</summary>
    public long? NextExpiry { get; private set; }

    /// <summary>The mirror of what enforcement recovered: its active bans (still kept out of the baseline, still
    /// watched) and its next expiry.</summary>
    public static BanMirror From(EnforcementState state, long graceSeconds)
    {
        var mirror = new BanMirror(graceSeconds, state.FirewallEnforces, state.BanAnswerStatus);
        foreach (var ban in state.ActiveBans)
            if (ban.BannedAt is { } at) mirror.Banned(ban.Ip, at, ban.ExpiresAt);
        foreach (var range in state.ActiveRanges)
            if (range.BannedAt is { } at) mirror.RangeBanned(range.Range, at, range.ExpiresAt);
        mirror.NextExpiry = state.NextExpiry;
        return mirror;
    }

    /// <summary>Banned on its own or inside a banned range.</summary>
    public bool IsBanned(IpKey ip) => _bans.ContainsKey(ip) || (_ranges.Count > 0 && RangeWatch(ip) is not null);

    private Watch? RangeWatch(IpKey ip)
    {
        foreach (var length in _lengths.For(ip.IsV4))
            if (_ranges.TryGetValue(BanTarget.Range(ip, length), out var watch)) return watch;
        return null;
    }

    private void RangeBanned(BanTarget range, long at, long? expiresAt)
    {
        if (_ranges.TryAdd(range, new Watch(at, expiresAt))) _lengths.Add(range);
        else _ranges[range] = new Watch(at, expiresAt);
    }

    /// <summary>Whether a ban expires by <paramref name="now"/>: enforcement must be asked even without verdicts.</summary>
    public bool ExpiryDue(long now) => NextExpiry is { } expiry && expiry <= now;

    /// <summary>The first second whose close (now = second + 1) has an expiry due; long.MaxValue when none.</summary>
    public long FirstSecondWithExpiryDue => NextExpiry is { } expiry ? expiry - 1 : long.MaxValue;

    /// <summary>What enforcement applied (bans and unbans; other events change nothing here), and its next expiry.</summary>
    public void Apply(IReadOnlyList<LedgerEvent> events, long? nextExpiry)
    {
        NextExpiry = nextExpiry;
        foreach (var e in events)
        {
            switch (e)
            {
                case IpBanned banned:
                    Banned(banned.Ip, banned.At, banned.ExpiresAt);
                    break;
                case IpUnbanned unbanned:
                    Unbanned(unbanned.Ip);
                    break;
                case RangeBanned range:
                    RangeBanned(range.Range, range.At, range.ExpiresAt);
                    break;
                case RangeUnbanned range:
                    if (_ranges.Remove(range.Range)) _lengths.Remove(range.Range);
                    break;
            }
        }
    }

    /// <summary>A (new) ban starts watching from zero; a re-ban after an unban is a new ban.</summary>
    public void Banned(IpKey ip, long at, long? expiresAt) => _bans[ip] = new Watch(at, expiresAt);

    public void Unbanned(IpKey ip) => _bans.Remove(ip);

    /// <summary>The open second closed: answered lines not observed with it (an address unbanned meanwhile) are dropped.</summary>
    public void SecondClosed() => _answered.Clear();

    /// <summary>A line of the open second from <paramref name="ip"/> with <paramref name="status"/>: when the address is
    /// banned and Nginx answered it as banned, it is left out of that second's <see cref="Observe"/>. Cheap for every
    /// line: the status is compared first.</summary>
    public void Answered(IpKey ip, int status)
    {
        if (status != _answerStatus || !IsBanned(ip)) return;
        _answered[ip] = _answered.GetValueOrDefault(ip) + 1;
    }

    /// <summary>The banned <paramref name="ip"/> sent <paramref name="requests"/> lines in <paramref name="second"/> (the
    /// open second until now; those <see cref="Answered"/> by the ban are taken off).</summary>
    /// <returns>The report, the first time the ban is seen not to work; otherwise null.</returns>
    public IneffectiveBan? Observe(IpKey ip, long second, long requests)
    {
        if (_answered.Remove(ip, out var answered)) requests -= answered;
        if (requests <= 0) return null;
        // An address of a banned range is judged with the range's ban: its lines count toward the range's report.
        var watch = _bans.GetValueOrDefault(ip) ?? (_ranges.Count > 0 ? RangeWatch(ip) : null);
        if (watch is null || second < watch.BannedAt) return null;
        watch.LinesAfterBan += requests;
        if (!FirewallEnforces || watch.Reported || second < watch.BannedAt + GraceSeconds) return null;

        watch.Reported = true;
        var now = second + 1;
        var rate = watch.LinesAfterBan / (double)Math.Max(1, now - watch.BannedAt);
        return new IneffectiveBan(ip, now, watch.BannedAt, watch.ExpiresAt, watch.LinesAfterBan, rate);
    }
}
