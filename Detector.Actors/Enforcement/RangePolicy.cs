using Detector.Configuration;
using Detector.Domain;
using Detector.Enforcement.Firewall;

namespace Detector.Enforcement;

/// <summary>One family's range rule: <paramref name="MinAddresses"/> bans in one network of
/// <paramref name="PrefixLength"/> (the family's own length: 64 for IPv6, 24 for IPv4), begun within the last
/// <paramref name="WindowSeconds"/> of event time, ban the network.</summary>
public sealed record RangeRule(int PrefixLength, int MinAddresses, long WindowSeconds)
{
    /// <summary>The range ban's condition: "range>=3/600s".</summary>
    public string Condition => FormattableString.Invariant($"range>={MinAddresses}/{WindowSeconds}s");

    /// <summary>The condition of a range banned because its aggregate (a churning network's new addresses judged as one
    /// client) fired <paramref name="rule"/>: "aggregate:ip_zscore>3.0".</summary>
    public static string AggregateCondition(string rule) => "aggregate:" + rule;
}

/// <summary>A network that reached its rule: every address of it with an active ban (sorted), which the range ban
/// folds in.</summary>
public sealed record RangeCandidate(BanTarget Range, IReadOnlyList<IpKey> Members, string Condition)
{
    public bool Equals(RangeCandidate? other) =>
        other is not null && Range == other.Range && Condition == other.Condition && Members.SequenceEqual(other.Members);

    public override int GetHashCode() => HashCode.Combine(Range, Condition, Members.Count);
}

/// <summary>
/// Range decisions: which networks to ban as one entry, from the active bans alone (so a replay decides the same and
/// nothing beyond the ledger needs storing). Pure. Whether a network may be banned at all (it must not cover an exempt
/// address) is <see cref="BanExemptions.FindWithin"/>'s to say.
/// </summary>
public sealed class RangePolicy(RangeRule? ipv6, RangeRule? ipv4)
{
    public static RangePolicy Off { get; } = new(null, null);

    public RangeRule? Ipv6 => ipv6;
    public RangeRule? Ipv4 => ipv4;

    public static RangePolicy From(EnforcementOptions options) => new(Rule(options.Ipv6Range), Rule(options.Ipv4Range));

    private static RangeRule? Rule(RangeOptions range) =>
        range.Enabled ? new RangeRule(range.PrefixLength, range.MinAddresses, range.WindowSeconds) : null;

    public RangeRule? RuleFor(IpKey ip) => ip.IsV4 ? ipv4 : ipv6;

    /// <summary>The network <paramref name="ip"/> is grouped in, or null when its family has no range rule.</summary>
    public BanTarget? RangeOf(IpKey ip) => RuleFor(ip) is { } rule ? BanTarget.Range(ip, rule.PrefixLength) : null;

    /// <summary>
    /// The networks of <paramref name="banned"/> (addresses just banned) not banned as a range yet
    /// (<paramref name="isRangeBanned"/>) in which at least MinAddresses of <paramref name="activeBans"/> began within
    /// [now − window, now] (records without an active ban are skipped); sorted by network. Members are every active ban of the network, recent or not: the range
    /// ban covers them all.
    /// </summary>
    public IReadOnlyList<RangeCandidate> Due(
        IEnumerable<IpKey> banned, IEnumerable<OffenderRecord> activeBans, long now, Func<BanTarget, bool> isRangeBanned)
    {
        HashSet<BanTarget>? touched = null;
        foreach (var ip in banned)
            if (RangeOf(ip) is { } range && !isRangeBanned(range)) (touched ??= []).Add(range);
        if (touched is null) return [];

        var members = new Dictionary<BanTarget, (List<IpKey> All, int Recent)>();
        foreach (var ban in activeBans)
        {
            if (ban.BannedAt is not { } at || RangeOf(ban.Ip) is not { } range || !touched.Contains(range)) continue;
            var rule = RuleFor(ban.Ip)!;
            members.TryGetValue(range, out var entry);
            entry.All ??= [];
            entry.All.Add(ban.Ip);
            if (at >= now - rule.WindowSeconds && at <= now) entry.Recent++;
            members[range] = entry;
        }

        var due = new List<RangeCandidate>();
        foreach (var (range, (all, recent)) in members)
        {
            var rule = RuleFor(range.Network)!;
            if (recent < rule.MinAddresses) continue;
            all.Sort();
            due.Add(new RangeCandidate(range, all, rule.Condition));
        }
        due.Sort((a, b) => a.Range.CompareTo(b.Range));
        return due;
    }
}

/// <summary>The prefix lengths of a set of ranges, per family, with how many ranges have each: an address finds the range
/// that holds it by masking to each length in use (one or two in practice) instead of testing every range.</summary>
internal sealed class RangeLengths
{
    private readonly SortedDictionary<int, int> _v4 = new(), _v6 = new();

    /// <summary>The lengths in use (a struct enumerator: asked for every tracked address every second).</summary>
    public SortedDictionary<int, int>.KeyCollection For(bool v4) => (v4 ? _v4 : _v6).Keys;

    public void Add(BanTarget range)
    {
        var lengths = range.IsV4 ? _v4 : _v6;
        lengths[range.PrefixLength] = lengths.GetValueOrDefault(range.PrefixLength) + 1;
    }

    public void Remove(BanTarget range)
    {
        var lengths = range.IsV4 ? _v4 : _v6;
        if (!lengths.TryGetValue(range.PrefixLength, out var count)) return;
        if (count <= 1) lengths.Remove(range.PrefixLength);
        else lengths[range.PrefixLength] = count - 1;
    }
}
