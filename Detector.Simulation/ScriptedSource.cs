using Detector.Ingest;
using Detector.Domain;

namespace Detector.Simulation;

/// <summary>
/// A source driven by a lazy script of (time, request) pairs: one-off visits, catch-up bursts, ramps. The
/// script is an iterator, so a long script costs no memory; times are clamped to never go backwards.
/// </summary>
internal sealed class ScriptedSource : TrafficSource
{
    private readonly IEnumerator<(long AtMs, SimulatedRequest Request)> _script;
    private SimulatedRequest _next;

    public ScriptedSource(IpKey ip, Random random, bool attacker, Func<Random, IEnumerable<(long AtMs, SimulatedRequest Request)>> script)
        : base(ip, random)
    {
        Attacker = attacker;
        _script = script(random).GetEnumerator();
        Advance(long.MinValue);
    }

    public override bool Attacker { get; }

    public override SimulatedRequest TakeNext()
    {
        var request = _next;
        Advance(NextTimeMs);
        return request;
    }

    private void Advance(long lastMs)
    {
        if (!_script.MoveNext())
        {
            NextTimeMs = Finished;
            return;
        }
        (var at, _next) = _script.Current;
        NextTimeMs = Math.Max(at, lastMs);
    }
}
