namespace Detector.IpWindows;

/// <summary>
/// Distinct user agents seen recently, with the second each was last seen; at most <c>capacity</c> are kept
/// (the longest unseen is dropped), so memory is bounded whatever an address sends. A small array, not a
/// dictionary: an address has a handful of agents, and the parser's pooled strings usually match by reference.
/// </summary>
public sealed class RecentAgents(int capacity = 16)
{
    private readonly string[] _agents = new string[capacity];
    private readonly long[] _lastSeen = new long[capacity];
    private int _count;

    public void Add(string agent, long second)
    {
        var index = IndexOf(agent);
        if (index >= 0)
        {
            _lastSeen[index] = Math.Max(_lastSeen[index], second);
            return;
        }
        if (_count < capacity)
        {
            index = _count++;
        }
        else
        {
            index = 0;
            for (var i = 1; i < _count; i++)
                if (_lastSeen[i] < _lastSeen[index]) index = i;
        }
        _agents[index] = agent;
        _lastSeen[index] = second;
    }

    /// <summary>Agents last seen at or after <paramref name="sinceSecond"/>.</summary>
    public int CountSince(long sinceSecond)
    {
        var count = 0;
        for (var i = 0; i < _count; i++)
            if (_lastSeen[i] >= sinceSecond) count++;
        return count;
    }

    private int IndexOf(string agent)
    {
        for (var i = 0; i < _count; i++)
            if (ReferenceEquals(_agents[i], agent)) return i;
        for (var i = 0; i < _count; i++)
            if (string.Equals(_agents[i], agent, StringComparison.Ordinal)) return i;
        return -1;
    }
}
