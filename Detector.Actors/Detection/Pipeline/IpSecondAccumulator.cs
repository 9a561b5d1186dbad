using Detector.Ingest;
using Detector.Windows;

namespace Detector.Detection.Pipeline;

/// <summary>One IP's traffic in the open second, with a few distinct sample paths and user agents.</summary>
internal sealed class IpSecondAccumulator
{
    private const int MaxSamples = 3;
    private readonly List<string> _paths = new(MaxSamples);
    private readonly List<string> _agents = new(MaxSamples);

    public SecondCounts Counts { get; private set; }

    public void Add(in AccessLogEntry entry)
    {
        Counts += SecondCounts.Of(entry.Status);
        Sample(_paths, entry.Path);
        Sample(_agents, entry.UserAgent);
    }

    public string[] Paths => [.. _paths];
    public string[] Agents => [.. _agents];

    public void Reset()
    {
        Counts = default;
        _paths.Clear();
        _agents.Clear();
    }

    private static void Sample(List<string> samples, string value)
    {
        if (samples.Count == MaxSamples) return;
        foreach (var s in samples)
            if (ReferenceEquals(s, value) || s == value) return;
        samples.Add(value);
    }
}
