using Detector.IpWindows;
using Detector.Domain;

namespace Detector.Detection;

/// <summary>What the per-IP rules see of one address at one second.</summary>
/// <param name="Window">The 60 s window (WindowSeconds).</param>
/// <param name="Horizon">The longer horizon (SustainedHorizonSeconds).</param>
/// <param name="DistinctAgents">Distinct user agents in the window (sampled, capped).</param>
/// <param name="SiteSurge">A global episode is in progress.</param>
/// <param name="HorizonPaths">Requests over the horizon counted by path (health probes left out).</param>
/// <param name="HorizonTopTwoPaths">Of those, a lower bound of the ones that went to the two most asked-for paths.</param>
/// <param name="HorizonTopTwoRoutes">The same by route (path without its query).</param>
public readonly record struct IpEvidence(
    SecondCounts Window,
    SecondCounts Horizon = default,
    int DistinctAgents = 0,
    bool SiteSurge = false,
    int HorizonPaths = 0,
    int HorizonTopTwoPaths = 0,
    int HorizonTopTwoRoutes = 0);
