using Detector.Ingest;
using Detector.Domain;

namespace Detector.Simulation.Scenarios;

public enum ScenarioKind { Attack, Benign }

/// <summary>
/// One situation of the detection-quality suite: how to generate its traffic, and what a good detector does with
/// it. The attackers and their start times are the traffic's own <see cref="TrafficScenario.Attacks"/>; every other
/// address is benign and must never be banned.
/// </summary>
/// <param name="Name">Stable identifier (test names, the report).</param>
/// <param name="Situation">One line for the report.</param>
/// <param name="Duration">How much traffic to generate.</param>
/// <param name="Build">A fresh generator (the same lines every call).</param>
/// <param name="ExpectGlobalAlert">A site-wide surge: at least one GLOBAL alert is expected (and none otherwise).</param>
/// <param name="BanDeadline">Each attacker must be banned within this much event time of its attack's start.</param>
/// <param name="RepeatOffender">An attacker that returns after each unban: its bans must climb the ladder.</param>
public sealed record LabelledScenario(
    string Name,
    string Situation,
    ScenarioKind Kind,
    TimeSpan Duration,
    Func<TrafficScenario> Build,
    bool ExpectGlobalAlert = false,
    TimeSpan? BanDeadline = null,
    IpKey? RepeatOffender = null)
{
    public override string ToString() => Name;
}
