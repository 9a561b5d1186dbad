using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Detector.Domain;

/// <summary>
/// What a request asked for, as the repetition evidence compares it: a 64-bit key of the whole target (query included)
/// and one of its route (before '?'). Worked out once per entry on the parse threads (<c>EntryBatch.Classify</c>), so
/// the serial coordinator compares numbers, and path tallies hold no references for the garbage collector to trace.
/// Health probes (<c>/status.php</c>) get <see cref="Probe"/>: monitoring asks for nothing else and is not abuse.
/// </summary>
/// <remarks>Keys never are 0 (that marks a free slot and a probe). Two different targets sharing a key would only make
/// one address look more repetitive than it is, on its own traffic; with 64 bits among the handful of targets one
/// address's tally holds, that does not happen in practice.</remarks>
public readonly record struct PathKey(ulong Path, ulong Route)
{
    public static readonly PathKey Probe = default;

    public bool IsProbe => Path == 0;

    public static bool IsHealthProbe(string path) => path.StartsWith("/status.php", StringComparison.Ordinal);

    public static PathKey Of(string path)
    {
        if (IsHealthProbe(path)) return Probe;
        var whole = Hash(path.AsSpan());
        var query = path.IndexOf('?');
        return new PathKey(whole, query < 0 ? whole : Hash(path.AsSpan(0, query)));
    }

    private static ulong Hash(ReadOnlySpan<char> text)
    {
        var hash = XxHash3.HashToUInt64(MemoryMarshal.AsBytes(text));
        return hash == 0 ? 1 : hash;
    }
}
