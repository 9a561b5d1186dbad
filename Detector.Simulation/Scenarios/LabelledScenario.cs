using Detector.Ingest;
using Detector.Domain;

namespace Detector.Simulation.Scenarios;

public enum ScenarioKind { Attack, Benign }

/// <summary>What a GLOBAL alert means in a scenario.</summary>
public enum AlertExpectation
{
    /// <summary>Benign traffic without a surge of sources: any GLOBAL alert is a false alert.</summary>
    Forbidden,

    /// <summary>Not held against the detector either way (a lone attacker; a flash crowd of new clients).</summary>
    Allowed,

    /// <summary>A site-wide attack: at least one GLOBAL alert after the attack starts, naming <see cref="LabelledScenario.AlertCause"/> if set.</summary>
    Required,
}

/// <summary>
/// One situation of the detection-quality suite, usually one draw of a <see cref="ScenarioFamily"/>: how to generate
/// its traffic, and what a good detector does with it. The attackers and their start times are the traffic's own
/// <see cref="TrafficScenario.Attacks"/> (those with <see cref="AttackLabel.MustBan"/> must be banned, the others may
/// be); every other address is benign and must never be banned.
/// </summary>
/// <param name="Name">Stable identifier (test names, the report, file names): "family#seed" for a draw.</param>
/// <param name="Situation">One line for the report, with the drawn numbers.</param>
/// <param name="Duration">How much traffic to generate.</param>
/// <param name="Build">A fresh generator (the same lines every call).</param>
/// <param name="Alert">Whether GLOBAL alerts are forbidden, allowed or required.</param>
/// <param name="AlertCause">A word the alert's condition should contain (case-insensitive): required for
/// <see cref="AlertExpectation.Required"/>, reported only for <see cref="AlertExpectation.Allowed"/>.</param>
/// <param name="BanDeadline">Each must-ban attacker must be banned within this much event time of its attack's start.</param>
/// <param name="RepeatOffender">An attacker that returns after each unban: its bans must climb the ladder.</param>
public sealed record LabelledScenario(
    string Name,
    string Situation,
    ScenarioKind Kind,
    TimeSpan Duration,
    Func<TrafficScenario> Build,
    AlertExpectation Alert = AlertExpectation.Forbidden,
    string? AlertCause = null,
    TimeSpan? BanDeadline = null,
    IpKey? RepeatOffender = null)
{
    /// <summary>The family this scenario was drawn from (its name when not drawn).</summary>
    public string Family { get; init; } = Name;

    /// <summary>The seed of the draw (0 when not drawn).</summary>
    public int Seed { get; init; }

    /// <summary>Every drawn parameter, "name=value" joined by ", " (to reproduce and to read a failure).</summary>
    public string Parameters { get; init; } = "";

    public override string ToString() => Name;
}
