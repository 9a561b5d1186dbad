using System.Globalization;

namespace Detector.Simulation.Scenarios;

/// <summary>
/// The random source of one family draw: parameters drawn from ranges by a RNG seeded with (family, seed), each
/// remembered by name for the report. Also yields the seed of the traffic generator.
/// </summary>
public sealed class ScenarioDraw
{
    private readonly Random _random;
    private readonly List<string> _parameters = [];

    public ScenarioDraw(string family, int seed)
    {
        Family = family;
        Seed = seed;
        TrafficSeed = (int)(StableHash(family) ^ (uint)seed * 0x9E37_79B1u) & 0x7FFF_FFFF;
        _random = new Random(TrafficSeed ^ 0x2545_F491);
    }

    public string Family { get; }
    public int Seed { get; }

    /// <summary>Seed for the <see cref="TrafficScenario"/>: differs between families for the same seed.</summary>
    public int TrafficSeed { get; }

    public string Parameters => string.Join(", ", _parameters);

    public double Uniform(string name, double min, double max)
    {
        var value = min + (max - min) * _random.NextDouble();
        Note(name, value.ToString("0.###", CultureInfo.InvariantCulture));
        return value;
    }

    /// <summary>An integer in [min, max] (both included).</summary>
    public int Int(string name, int min, int max)
    {
        var value = _random.Next(min, max + 1);
        Note(name, value.ToString(CultureInfo.InvariantCulture));
        return value;
    }

    public bool Chance(string name, double probability)
    {
        var value = _random.NextDouble() < probability;
        Note(name, value ? "yes" : "no");
        return value;
    }

    public T Pick<T>(string name, IReadOnlyList<T> items)
    {
        var value = items[_random.Next(items.Count)];
        Note(name, value?.ToString() ?? "");
        return value;
    }

    /// <summary>An unrecorded random number (addresses, jitter).</summary>
    public Random Random => _random;

    public void Note(string name, string value) => _parameters.Add($"{name}={value}");

    /// <summary>FNV-1a: string.GetHashCode differs between processes.</summary>
    private static uint StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text) hash = (hash ^ c) * 16777619u;
        return hash;
    }
}
