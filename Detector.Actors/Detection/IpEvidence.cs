using Detector.IpWindows;
using Detector.Domain;

namespace Detector.Detection;

/// <summary>What the per-IP rules see of one address at one second.</summary>
/// <param name="Window">The 60 s window (WindowSeconds).</param>
/// <param name="Horizon">The longer horizon (SustainedHorizonSeconds).</param>
/// <param name="DistinctAgents">Distinct user agents in the window (sampled, capped).</param>
/// <param name="SiteSurge">A global episode is in progress.</param>
public readonly record struct IpEvidence(SecondCounts Window, SecondCounts Horizon = default, int DistinctAgents = 0, bool SiteSurge = false);
