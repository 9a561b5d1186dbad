using Detector.Ingest;
using Detector.Domain;

namespace Detector.Simulation;

/// <summary>
/// One IP's stream of requests in time order. The scenario merges all sources by
/// <see cref="NextTimeMs"/>; each source owns its own seeded <see cref="Random"/>, so adding an
/// attack never changes the benign traffic of the same seed.
/// </summary>
internal abstract class TrafficSource(IpKey ip, Random random)
{
    public const long Finished = long.MaxValue;

    public IpKey Ip { get; } = ip;
    public string IpText { get; } = ip.ToString();
    public abstract bool Attacker { get; }

    /// <summary>Unix ms of the next request, or <see cref="Finished"/>.</summary>
    public long NextTimeMs { get; protected set; } = Finished;

    protected Random Random { get; } = random;

    /// <summary>Returns the request due at <see cref="NextTimeMs"/> and advances it.</summary>
    public abstract SimulatedRequest TakeNext();

    protected T Pick<T>(IReadOnlyList<T> items) => items[Random.Next(items.Count)];

    protected bool Chance(double probability) => Random.NextDouble() < probability;

    /// <summary>Exponentially distributed duration with the given mean, at least 1 ms.</summary>
    protected long ExponentialMs(double meanMs) => Math.Max(1, (long)(-Math.Log(1 - Random.NextDouble()) * meanMs));

    /// <summary>A server-side request time: exponential around the mean, capped at 30 s.</summary>
    protected int LatencyMs(double meanMs) => (int)Math.Min(30_000, ExponentialMs(meanMs));

    /// <summary>A size varying ±30% around a typical value.</summary>
    protected long AroundBytes(long typical) => (long)(typical * (0.7 + 0.6 * Random.NextDouble()));
}
