namespace Detector.Simulation.Scenarios;

/// <summary>
/// A kind of situation with its parameters drawn from ranges by seed (site size and mix, time zone, weekday or
/// weekend, start time, attack rates and timing…), so that the suite can be scored on seeds it was never tuned on.
/// The same seed always gives the same scenario and byte-identical traffic.
/// </summary>
public sealed class ScenarioFamily(string name, ScenarioKind kind, string description, Func<ScenarioDraw, LabelledScenario> draw)
{
    public string Name { get; } = name;
    public ScenarioKind Kind { get; } = kind;
    public string Description { get; } = description;

    public LabelledScenario Draw(int seed)
    {
        var d = new ScenarioDraw(Name, seed);
        return draw(d) with { Family = Name, Seed = seed, Parameters = d.Parameters };
    }

    public override string ToString() => Name;
}
