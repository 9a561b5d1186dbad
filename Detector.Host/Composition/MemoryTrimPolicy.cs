namespace Detector.Host.Composition;

/// <summary>
/// When the daemon should hand memory back to the system: after the number of tracked addresses has fallen far
/// below the most it reached since the last trim (churn over, tracks and entities dropped). Pure: fed samples.
/// </summary>
/// <remarks>Why it is needed at all: the garbage collector runs when the program allocates. A quiet daemon allocates
/// little, so the dead tracks and entities of a churn stay in the last generation — counted in RSS — for as long as
/// it stays quiet (the issue measured 1,050 MB six minutes after the churn stopped). One aggressive, compacting
/// collection after the drop returns it; as it pauses the process for a moment, it is done only after a drop worth
/// it, never on a schedule.</remarks>
public sealed class MemoryTrimPolicy(int minDrop)
{
    private int _peakSinceTrim;

    /// <summary>Whether to trim now, given the addresses tracked now; a trim starts a new peak.</summary>
    public bool ShouldTrim(int trackedNow)
    {
        _peakSinceTrim = Math.Max(_peakSinceTrim, trackedNow);
        if (_peakSinceTrim - trackedNow < minDrop) return false;
        _peakSinceTrim = trackedNow;
        return true;
    }
}
