using Detector.Domain;

namespace Detector.Detection;

/// <summary>One path (its <see cref="PathKey"/>: the whole target's, or the route's in a tally by route) and how often it
/// was asked for.</summary>
public readonly record struct PathCount(ulong Key, int Count);

/// <summary>One address's requests within one minute of event time, dated by a second of that minute: the most
/// asked-for paths and routes (<see cref="PathTally"/>), and how many requests they were tallied from.</summary>
public sealed record PathMinute(long Second, PathCount[] TopPaths, PathCount[] TopRoutes, int Total);

/// <summary>
/// The paths one address asked for most: a Misra–Gries summary of <see cref="Slots"/> counters. Every path asked for
/// more than Total / (Slots + 1) times is held, its count an under-estimate by at most that much, so a summary
/// never overstates how narrow an address's requests are. Memory is fixed whatever the address sends.
/// </summary>
/// <remarks>
/// By default paths are whole request targets, query included: a real client's repeated requests differ in what
/// they ask for (previews by file id, folders by dir), a flood's do not. A tally <c>byRoute</c> compares paths
/// without their query (the endpoint), for floods that vary only the query. Health probes are not counted
/// (<see cref="PathKey.Probe"/>). Paths are held as their 64-bit keys: comparing is one instruction, and a tally, which
/// lives as long as its address does, holds nothing the garbage collector has to trace.
/// </remarks>
public sealed class PathTally(bool byRoute = false)
{
    public const int Slots = 4;

    // Inline, not arrays: a tally is touched on every request, and one object keeps it on a cache line or two.
    // A key of 0 is a free slot.
    private KeySlots _keys;
    private CountSlots _counts;
    private int _last;

    /// <summary>Requests counted (health probes left out).</summary>
    public int Total { get; private set; }

    public bool IsEmpty => Total == 0;

    public void Add(string path, int count = 1) => Add(PathKey.Of(path), count);

    public void Add(PathKey path, int count = 1)
    {
        if (count <= 0 || path.IsProbe) return;
        Total += count;
        Insert(byRoute ? path.Route : path.Path, count);
    }

    /// <summary>Counts one request in a tally by path and one by route at once: the per-request cost of the
    /// repetition evidence.</summary>
    public static void AddRequest(PathTally byPath, PathTally byRoute, PathKey path)
    {
        if (path.IsProbe) return;
        byPath.Total++;
        byRoute.Total++;
        // Floods and polls repeat themselves: the slots that matched last time are looked at first.
        if (byPath._keys[byPath._last] == path.Path && byRoute._keys[byRoute._last] == path.Route)
        {
            byPath._counts[byPath._last]++;
            byRoute._counts[byRoute._last]++;
            return;
        }
        byPath.Insert(path.Path, 1);
        byRoute.Insert(path.Route, 1);
    }

    /// <summary>Adds another summary's counters (its total included).</summary>
    public void Add(ReadOnlySpan<PathCount> counts, int total)
    {
        Total += total;
        foreach (var c in counts) Insert(c.Key, c.Count);
    }

    public void Add(PathTally other)
    {
        Total += other.Total;
        for (var i = 0; i < Slots; i++)
            if (other._keys[i] != 0) Insert(other._keys[i], other._counts[i]);
    }

    /// <summary>A lower bound of the requests that went to the two most asked-for paths.</summary>
    public int TopTwo()
    {
        int first = 0, second = 0;
        foreach (var c in _counts)
        {
            if (c > first) (first, second) = (c, first);
            else if (c > second) second = c;
        }
        return first + second;
    }

    public PathCount[] ToArray()
    {
        var n = 0;
        foreach (var key in _keys) if (key != 0) n++;
        var result = new PathCount[n];
        n = 0;
        for (var i = 0; i < Slots; i++)
            if (_keys[i] != 0) result[n++] = new PathCount(_keys[i], _counts[i]);
        return result;
    }

    public void Clear()
    {
        _keys = default;
        _counts = default;
        _last = 0;
        Total = 0;
    }

    private void Insert(ulong key, int count)
    {
        if (_keys[_last] == key)
        {
            _counts[_last] += count;
            return;
        }
        var free = -1;
        for (var i = 0; i < Slots; i++)
        {
            var held = _keys[i];
            if (held == 0) { if (free < 0) free = i; continue; }
            if (held != key) continue;
            _counts[i] += count;
            _last = i;
            return;
        }
        if (free >= 0)
        {
            _keys[free] = key;
            _counts[free] = count;
            _last = free;
            return;
        }
        // Weighted Misra–Gries: take the smallest counter's worth from every counter and from the newcomer;
        // what the newcomer has left takes a slot that reached zero.
        var smallest = int.MaxValue;
        foreach (var c in _counts) smallest = Math.Min(smallest, c);
        var taken = Math.Min(smallest, count);
        count -= taken;
        for (var i = 0; i < Slots; i++)
        {
            _counts[i] -= taken;
            if (_counts[i] > 0) continue;
            _keys[i] = 0;
            _counts[i] = 0;
            if (count > 0)
            {
                _keys[i] = key;
                _counts[i] = count;
                count = 0;
            }
        }
    }
}

/// <summary>
/// An address's <see cref="PathTally"/> over a long horizon, one summary per minute of event time in a ring:
/// memory is fixed, and the horizon's summary is the merge of the minutes inside it.
/// </summary>
public sealed class PathHorizon
{
    // Allocated on first use: most addresses are seen for a minute or two and never need the whole ring.
    private readonly PathTally?[] _minutes;
    private readonly long[] _minuteOf;
    private readonly bool _byRoute;
    private PathTally? _merged;

    public PathHorizon(int horizonSeconds, bool byRoute = false)
    {
        var minutes = Math.Max(1, horizonSeconds / 60);
        _byRoute = byRoute;
        _minutes = new PathTally?[minutes];
        _minuteOf = new long[minutes];
        Array.Fill(_minuteOf, long.MinValue);
    }

    public void Add(long second, ReadOnlySpan<PathCount> counts, int total)
    {
        if (total <= 0) return;
        var minute = EventTime.MinuteOf(second);
        var slot = EventTime.FloorMod(minute, _minutes.Length);
        var tally = _minutes[slot] ??= new PathTally(_byRoute);
        if (_minuteOf[slot] != minute)
        {
            if (_minuteOf[slot] > minute) return; // older than the horizon
            tally.Clear();
            _minuteOf[slot] = minute;
        }
        tally.Add(counts, total);
    }

    /// <summary>The merged summary of the minutes within the horizon ending at <paramref name="latestSecond"/>
    /// (a shared instance, valid until the next call).</summary>
    public PathTally Over(long latestSecond)
    {
        var latestMinute = EventTime.MinuteOf(latestSecond);
        var merged = _merged ??= new PathTally(_byRoute);
        merged.Clear();
        for (var i = 0; i < _minutes.Length; i++)
            if (_minutes[i] is { } tally && _minuteOf[i] > latestMinute - _minutes.Length && _minuteOf[i] <= latestMinute)
                merged.Add(tally);
        return merged;
    }
}

[System.Runtime.CompilerServices.InlineArray(PathTally.Slots)]
internal struct KeySlots
{
    private ulong _element;
}

[System.Runtime.CompilerServices.InlineArray(PathTally.Slots)]
internal struct CountSlots
{
    private int _element;
}
