using Akka.Actor;
using Detector.Baseline;
using Detector.Detection;
using Detector.Ingest;
using Detector.IpWindows;
using Detector.Domain;

namespace Detector.IpWindows;

/// <summary>Anything addressed to one IP's window entity.</summary>
public interface IIpMessage
{
    IpKey Ip { get; }
}

/// <summary>
/// One IP's traffic in closed seconds of event time since its last message (a micro-batch: one message per IP
/// per second at most, whatever the rate; quiet IPs are batched for up to a minute). The entity adds the seconds,
/// evaluates at the last one and replies <see cref="IpEvaluated"/> to <paramref name="ReplyTo"/>.
/// <paramref name="SiteSurge"/>: a global episode is in progress. <paramref name="PathMinutes"/>: the batch's
/// most asked-for paths, minute by minute (<see cref="PathTally"/>).
/// </summary>
public sealed record IpTrafficObserved(
    IpKey Ip,
    (long Second, SecondCounts Counts)[] Seconds,
    string[] SamplePaths,
    string[] SampleAgents,
    BaselineSnapshot Baseline,
    long SliceId,
    IActorRef ReplyTo,
    bool SiteSurge = false,
    PathMinute[]? PathMinutes = null) : IIpMessage;

/// <summary>The entity's answer: its window after the second, and a verdict when a rule fired. When a verdict
/// is present, <paramref name="Buckets"/> holds the window's per-second counts so the baseline can forget them.</summary>
public sealed record IpEvaluated(
    long SliceId,
    IpKey Ip,
    SecondCounts Window,
    IpVerdict? Verdict,
    (long Second, SecondCounts Counts)[]? Buckets);

/// <summary>The IP has been idle longer than its window in event time: the entity may passivate.</summary>
public sealed record IpIdle(IpKey Ip) : IIpMessage;

/// <summary>Asks the entity for its live state; replies <see cref="IpWindowState"/>.</summary>
public sealed record GetIpWindowState(IpKey Ip) : IIpMessage;

public sealed record IpWindowState(
    IpKey Ip,
    long LatestSecond,
    SecondCounts Window,
    double Rate,
    IpVerdict? LastVerdict,
    IReadOnlyList<string> RecentPaths,
    IReadOnlyList<string> RecentAgents);
