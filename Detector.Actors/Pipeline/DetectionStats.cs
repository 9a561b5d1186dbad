using System.Collections.Immutable;
using Detector.Baseline;
using Detector.Enforcement;
using Detector.Domain;

using Detector.Detection;

namespace Detector.Pipeline;

/// <summary>What the detection side did, for the status API, metrics and the replay summary. Thread-safe reads.</summary>
public sealed class DetectionStats
{
    /// <summary>Seconds of global rate kept for the dashboard's chart (30 minutes).</summary>
    public const int SeriesSeconds = 30 * 60;

    /// <summary>How many top source IPs the coordinator publishes.</summary>
    public const int TopCount = 20;

    private long _bans;
    private long _unbans;
    private long _alerts;
    private long _lateClamped;
    private long _tooLate;
    private long _eventNow;
    private ImmutableDictionary<BanTierRule, long> _bansByTierAndRule = ImmutableDictionary<BanTierRule, long>.Empty;
    private TopTalker[] _top = [];
    private (int Distinct, int New) _sources;

    public long Bans => Interlocked.Read(ref _bans);
    public long Unbans => Interlocked.Read(ref _unbans);
    public long Alerts => Interlocked.Read(ref _alerts);
    /// <summary>Accounts attacked from many networks (Nextcloud's log), one per campaign.</summary>
    public long AccountAlerts => Interlocked.Read(ref _accountAlerts);
    private long _accountAlerts;
    public long LateClamped => Interlocked.Read(ref _lateClamped);
    /// <summary>Lines older than the lateness tolerance: counted, not detected on.</summary>
    public long TooLate => Interlocked.Read(ref _tooLate);

    /// <summary>The pipeline's current event time: the end of the last closed second (Unix seconds); null before the first.</summary>
    public long? EventNow => Interlocked.Read(ref _eventNow) is var now and > 0 ? now : null;

    /// <summary>Bans applied so far by ladder tier (1-based, capped at the ladder's length) and condition.</summary>
    public IReadOnlyDictionary<BanTierRule, long> BansByTierAndRule => Volatile.Read(ref _bansByTierAndRule);

    /// <summary>The busiest source IPs over the last window of event time, most requests first.</summary>
    public IReadOnlyList<TopTalker> Top => Volatile.Read(ref _top);

    /// <summary>How many IPs sent requests in the last window, and how many of them had not been seen in the
    /// minutes before (published with <see cref="Top"/>).</summary>
    public (int Distinct, int New) Sources
    {
        get { lock (this) return _sources; }
    }

    /// <summary>Addresses the coordinator tracks now, the most it tracked at once, the IP window entities it knows
    /// to exist, and the tracks evicted over the cap (<c>Detection:MaxTrackedAddresses</c>) so far.</summary>
    public (int Tracked, int PeakTracked, int Entities, long Evicted) Addresses
    {
        get { lock (_addressesLock) return _addresses; }
    }
    private readonly object _addressesLock = new();
    private (int Tracked, int PeakTracked, int Entities, long Evicted) _addresses;

    /// <summary>The global 60 s rate and its band, one point per closed second.</summary>
    public GlobalSeries Series { get; } = new(SeriesSeconds);

    /// <summary>The latest effective baseline and global 60 s rate (req/s), replaced atomically.</summary>
    public volatile BaselineSnapshot? Baseline;
    public double GlobalRate => Volatile.Read(ref _globalRate);
    private double _globalRate;

    internal void AddBan(IpBanned banned, int ladderSteps)
    {
        Interlocked.Increment(ref _bans);
        // The rule without a campaign's account: a metric label per attacked account would grow without bound.
        var key = new BanTierRule(Math.Clamp(banned.Offence, 1, Math.Max(1, ladderSteps)), LoginCampaigns.WithoutAccount(banned.Condition));
        // Only the coordinator writes; readers see whole snapshots.
        Volatile.Write(ref _bansByTierAndRule, _bansByTierAndRule.SetItem(key, _bansByTierAndRule.GetValueOrDefault(key) + 1));
    }

    internal void AddUnban() => Interlocked.Increment(ref _unbans);
    internal void AddAlert() => Interlocked.Increment(ref _alerts);
    internal void AddAccountAlert() => Interlocked.Increment(ref _accountAlerts);
    internal void AddLateClamped(long n) => Interlocked.Add(ref _lateClamped, n);
    internal void AddTooLate(long n) => Interlocked.Add(ref _tooLate, n);
    internal void SetGlobalRate(double rate) => Volatile.Write(ref _globalRate, rate);
    internal void SetEventNow(long now) => Interlocked.Exchange(ref _eventNow, now);
    internal void SetAddresses(int tracked, int entities, long evicted)
    {
        lock (_addressesLock) _addresses = (tracked, Math.Max(tracked, _addresses.PeakTracked), entities, evicted);
    }
    internal void SetTop(TopTalker[] top, int distinct, int newIps)
    {
        Volatile.Write(ref _top, top);
        lock (this) _sources = (distinct, newIps);
    }
}

/// <summary>A metrics key: ladder tier and the condition that fired ("manual" for operator bans).</summary>
public readonly record struct BanTierRule(int Tier, string Rule);
