namespace Detector.Windows;

/// <summary>
/// Distinct user agents seen recently, with the second each was last seen; at most <c>capacity</c> are kept
/// (the longest unseen is dropped), so memory is bounded whatever an address sends.
/// </summary>
public sealed class RecentAgents(int capacity = 16)
{
    private readonly Dictionary<string, long> _lastSeen = new(StringComparer.Ordinal);

    public void Add(string agent, long second)
    {
        if (_lastSeen.TryGetValue(agent, out var seen))
        {
            _lastSeen[agent] = Math.Max(seen, second);
            return;
        }
        if (_lastSeen.Count == capacity)
        {
            var oldest = _lastSeen.MinBy(p => p.Value).Key;
            _lastSeen.Remove(oldest);
        }
        _lastSeen[agent] = second;
    }

    /// <summary>Agents last seen at or after <paramref name="sinceSecond"/>.</summary>
    public int CountSince(long sinceSecond)
    {
        var count = 0;
        foreach (var seen in _lastSeen.Values)
            if (seen >= sinceSecond) count++;
        return count;
    }
}
