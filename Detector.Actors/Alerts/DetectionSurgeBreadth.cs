using Detector.Pipeline;

namespace Detector.Alerts;

/// <summary>Surge breadth for GLOBAL alerts from what the pipeline publishes each closed second.</summary>
public sealed class DetectionSurgeBreadth(DetectionStats stats) : ISurgeBreadthSource
{
    private const int TopSources = 5;

    public SurgeBreadth? Current()
    {
        var (distinct, fresh) = stats.Sources;
        if (distinct == 0) return null;
        var top = stats.Top.Take(TopSources).Select(t => new SurgeSource(t.Ip.ToString(), t.Window.Requests)).ToList();
        return new SurgeBreadth(distinct, fresh, top);
    }
}
