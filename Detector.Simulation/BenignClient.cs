using Detector.Ingest;
using Detector.Domain;

namespace Detector.Simulation;

/// <summary>
/// A legitimate client that acts in activities (a sync poll, a page load with its assets) separated
/// by gaps. A profile plans one activity at a time into a small queue, so memory per client stays
/// bounded however long the scenario runs.
/// </summary>
internal abstract class BenignClient(IpKey ip, Random random, SimulationContext context) : TrafficSource(ip, random)
{
    private readonly Queue<(long AtMs, SimulatedRequest Request)> _planned = new();
    private long _lastPlannedMs;
    private long _nextActivityMs;

    public override bool Attacker => false;

    protected SimulationContext Context { get; } = context;

    /// <summary>When the person behind the client is around (null: always, the original model).</summary>
    public PresenceSchedule? Schedule { get; set; }

    /// <summary>
    /// True: the client sends nothing while its person is away (a desktop switched off, a closed browser) and
    /// <see cref="OnArrive"/> runs when they are back. False: the profile keeps running and asks <see cref="IsPresent"/>
    /// itself (a phone's background sync goes on at night).
    /// </summary>
    public bool OfflineWhenAway { get; set; } = true;

    /// <summary>First activities are spread uniformly over this many (scaled) seconds after the start.</summary>
    protected abstract double InitialSpreadSeconds { get; }

    /// <summary>Plans the activity starting at <paramref name="atMs"/> with <see cref="Send"/>; returns when the next one starts.</summary>
    protected abstract long PlanActivity(long atMs);

    public void Start(long startMs)
    {
        _lastPlannedMs = startMs;
        _nextActivityMs = startMs + (long)(Random.NextDouble() * InitialSpreadSeconds * 1000 * Context.GapScale);
        PlanUntilSomethingIsQueued();
    }

    public override SimulatedRequest TakeNext()
    {
        var request = _planned.Dequeue().Request;
        PlanUntilSomethingIsQueued();
        return request;
    }

    /// <summary>Queues a request; times never go backwards within a client.</summary>
    protected void Send(long atMs, SimulatedRequest request)
    {
        _lastPlannedMs = Math.Max(atMs, _lastPlannedMs);
        _planned.Enqueue((_lastPlannedMs, request));
    }

    /// <summary>The next moment inside a burst: a short unscaled pause (browser fetching assets).</summary>
    protected long After(long timeMs, double meanGapMs) => timeMs + ExponentialMs(meanGapMs);

    /// <summary>Whether the person is around at <paramref name="timeMs"/> (always without a schedule).</summary>
    protected bool IsPresent(long timeMs) => Schedule?.IsPresent(timeMs) ?? true;

    /// <summary>The first activity after the person comes back (a desktop client's start-up sync, a fresh page load).</summary>
    protected virtual long OnArrive(long atMs) => PlanActivity(atMs);

    private void PlanUntilSomethingIsQueued()
    {
        while (_planned.Count == 0)
        {
            var at = _nextActivityMs;
            if (Schedule is { } schedule && OfflineWhenAway && !schedule.IsPresent(at))
            {
                var back = schedule.NextPresentMs(at);
                if (back == Finished)
                {
                    NextTimeMs = Finished;
                    return;
                }
                back = Math.Max(back, _lastPlannedMs);
                _nextActivityMs = Math.Max(Math.Max(OnArrive(back), back + 1), _lastPlannedMs);
                continue;
            }
            _nextActivityMs = Math.Max(Math.Max(PlanActivity(at), at + 1), _lastPlannedMs);
        }
        NextTimeMs = _planned.Peek().AtMs;
    }
}
