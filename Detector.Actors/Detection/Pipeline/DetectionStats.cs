using Detector.Baseline;

namespace Detector.Detection.Pipeline;

/// <summary>What the detection side did, for the status API and the replay summary. Thread-safe reads.</summary>
public sealed class DetectionStats
{
    private long _bans;
    private long _unbans;
    private long _alerts;
    private long _lateClamped;
    private long _tooLate;

    public long Bans => Interlocked.Read(ref _bans);
    public long Unbans => Interlocked.Read(ref _unbans);
    public long Alerts => Interlocked.Read(ref _alerts);
    public long LateClamped => Interlocked.Read(ref _lateClamped);
    /// <summary>Lines older than the lateness tolerance: counted, not detected on.</summary>
    public long TooLate => Interlocked.Read(ref _tooLate);

    /// <summary>The latest effective baseline and global 60 s rate (req/s), replaced atomically.</summary>
    public volatile BaselineSnapshot? Baseline;
    public double GlobalRate => Volatile.Read(ref _globalRate);
    private double _globalRate;

    internal void AddBan() => Interlocked.Increment(ref _bans);
    internal void AddUnban() => Interlocked.Increment(ref _unbans);
    internal void AddAlert() => Interlocked.Increment(ref _alerts);
    internal void AddLateClamped(long n) => Interlocked.Add(ref _lateClamped, n);
    internal void AddTooLate(long n) => Interlocked.Add(ref _tooLate, n);
    internal void SetGlobalRate(double rate) => Volatile.Write(ref _globalRate, rate);
}
