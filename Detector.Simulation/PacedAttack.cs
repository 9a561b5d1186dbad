using Detector.Ingest;
using Detector.Domain;

namespace Detector.Simulation;

/// <summary>
/// An attacker sending at a constant rate: request i lands in the i-th slot of 1/rate seconds,
/// jittered within ±40% of the slot, so the count over the attack is exactly
/// ⌊duration × rate⌋ and the order is preserved.
/// </summary>
internal abstract class PacedAttack : TrafficSource
{
    private readonly long _startMs;
    private readonly double _slotMs;
    private readonly long _count;
    private long _index;

    protected PacedAttack(IpKey ip, Random random, long startMs, TimeSpan duration, double ratePerSecond) : base(ip, random)
    {
        if (ratePerSecond <= 0) throw new ArgumentOutOfRangeException(nameof(ratePerSecond), "must be positive");
        _startMs = startMs;
        _slotMs = 1000 / ratePerSecond;
        _count = (long)Math.Floor(duration.TotalSeconds * ratePerSecond);
        NextTimeMs = SlotTime(0);
    }

    public override bool Attacker => true;

    public override SimulatedRequest TakeNext()
    {
        var request = Request(_index);
        _index++;
        NextTimeMs = SlotTime(_index);
        return request;
    }

    /// <summary>The index-th request of the attack.</summary>
    protected abstract SimulatedRequest Request(long index);

    private long SlotTime(long index) =>
        index >= _count ? Finished : _startMs + (long)((index + 0.5 + 0.8 * (Random.NextDouble() - 0.5)) * _slotMs);
}
