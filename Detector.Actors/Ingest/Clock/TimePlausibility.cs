using Detector.Configuration;
using Detector.Domain;

namespace Detector.Ingest.Clock;

/// <summary>
/// The policy for lines dated far from the rest of the stream (docs/architecture.md, time model). Pure: the caller
/// gives the reference time (live: the wall clock; replay: none), tests give everything explicitly.
/// </summary>
/// <remarks>
/// <para>Why: one line dated in year 9999, or a few years ahead, moves the watermark there, and every later line is
/// then "too late" and left out of detection: a single broken line would blind the detector for the rest of the
/// stream. One dated 1970 opens the first second decades before the traffic. Neither is traffic.</para>
/// <para>The rules, in order: a line outside [MinPlausibleYear, MaxPlausibleYear] is rejected, and so is, live, one
/// more than MaxAgeDays before the wall clock. A line more than
/// MaxForwardJumpHours after the reference — the newest accepted time, live also the wall clock — is a suspected jump:
/// it is held, and once JumpConfirmLines consecutive lines agree on it (each within MaxForwardJumpHours of the first
/// of them) they are all released in order and the stream has moved on (two log files replayed one after the other, a
/// server down for days). A line that goes on with the stream instead rejects the held ones. Where there is no
/// reference yet (the start of a replay) every line is suspect, so the first lines must agree on where the stream
/// is; a replay that ends before they do keeps what it holds when it never had a reference (a file of one or two
/// lines is still replayed), and rejects it otherwise. Lines older than the reference are never held: the
/// <c>SecondCutter</c>'s lateness rule handles them. Rejected lines are counted as malformed
/// (<see cref="MalformedReason.ImplausibleTime"/>); at most JumpConfirmLines − 1 lines are ever held.</para>
/// </remarks>
public sealed class TimePlausibility
{
    private readonly long _minMs;
    private readonly long _maxMs;
    private readonly long _jumpMs;
    private readonly int _confirmLines;
    private readonly long _maxAgeMs;
    private readonly List<AccessLogEntry> _held = [];
    private long _heldFirstMs;

    public TimePlausibility(ClockOptions options)
    {
        _minMs = new DateTimeOffset(options.MinPlausibleYear, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        _maxMs = new DateTimeOffset(options.MaxPlausibleYear, 12, 31, 23, 59, 59, 999, TimeSpan.Zero).ToUnixTimeMilliseconds();
        _jumpMs = options.MaxForwardJumpHours > 0 ? options.MaxForwardJumpHours * 3_600_000L : long.MaxValue;
        _confirmLines = options.MaxForwardJumpHours > 0 ? Math.Max(1, options.JumpConfirmLines) : 1;
        _maxAgeMs = options.MaxAgeDays > 0 ? options.MaxAgeDays * 86_400_000L : long.MaxValue;
    }

    /// <summary>Newest time accepted so far; long.MinValue before the first.</summary>
    public long NewestAcceptedMs { get; private set; } = long.MinValue;

    /// <summary>Lines held as a suspected jump.</summary>
    public int HeldCount => _held.Count;

    /// <summary>
    /// The entries of <paramref name="batch"/> that may go on, in order, with released held ones before the line that
    /// confirmed them. The same batch when all of it goes on (its array is filtered in place otherwise).
    /// </summary>
    /// <param name="referenceMs">Live: the wall clock (lines up to MaxForwardJumpHours after it need no confirmation);
    /// replay: long.MinValue.</param>
    /// <param name="rejected">Lines turned down now (including held ones a later line disproved).</param>
    public EntryBatch Admit(EntryBatch batch, long referenceMs, out int rejected)
    {
        rejected = 0;
        var source = batch.Entries;
        var count = batch.Count;
        var output = source;
        var written = 0;
        for (var i = 0; i < count; i++)
        {
            var time = source[i].TimeMs;
            if (time < _minMs || time > _maxMs || (referenceMs != long.MinValue && time < referenceMs - _maxAgeMs))
            {
                rejected++;
                continue;
            }
            var reference = Math.Max(NewestAcceptedMs, referenceMs);
            var followsStream = reference != long.MinValue && time <= SaturatingAdd(reference, _jumpMs);
            if (_held.Count > 0 && !followsStream && Math.Abs(time - _heldFirstMs) <= _jumpMs)
            {
                _held.Add(source[i]);
                if (_held.Count >= _confirmLines) ReleaseHeld(ref output, ref written, source, i);
                continue;
            }
            if (_held.Count > 0)
            {
                // The held lines were the outliers: the stream went on without them, or jumped elsewhere.
                rejected += _held.Count;
                _held.Clear();
            }
            if (!followsStream && _confirmLines > 1)
            {
                _heldFirstMs = time;
                _held.Add(source[i]);
                continue;
            }
            if (time > NewestAcceptedMs) NewestAcceptedMs = time;
            if (written != i || output != source) Emit(ref output, ref written, source, i, source[i]);
            else written++;
        }
        return written == count && output == source ? batch : new EntryBatch(output, written);
    }

    /// <summary>The end of a replay. With no reference ever (the stream never got its confirming lines) the held lines
    /// are all there is and go on; otherwise they were an unconfirmed jump and are rejected.</summary>
    public EntryBatch Finish(out int rejected)
    {
        rejected = 0;
        if (_held.Count == 0) return new EntryBatch([], 0);
        if (NewestAcceptedMs != long.MinValue)
        {
            rejected = _held.Count;
            _held.Clear();
            return new EntryBatch([], 0);
        }
        var released = _held.ToArray();
        _held.Clear();
        foreach (var entry in released)
            if (entry.TimeMs > NewestAcceptedMs) NewestAcceptedMs = entry.TimeMs;
        return new EntryBatch(released, released.Length);
    }

    private void ReleaseHeld(ref AccessLogEntry[] output, ref int written, AccessLogEntry[] source, int index)
    {
        foreach (var entry in _held)
        {
            Emit(ref output, ref written, source, index, entry);
            if (entry.TimeMs > NewestAcceptedMs) NewestAcceptedMs = entry.TimeMs;
        }
        _held.Clear();
    }

    /// <summary>Writes in place while that cannot overwrite an unread entry; held lines from an earlier batch can make
    /// the output longer than what was read, and then it moves to a new array.</summary>
    private void Emit(ref AccessLogEntry[] output, ref int written, AccessLogEntry[] source, int index, in AccessLogEntry entry)
    {
        if (output == source && written > index)
        {
            var larger = new AccessLogEntry[source.Length + _confirmLines];
            Array.Copy(source, larger, written);
            output = larger;
        }
        else if (written == output.Length)
        {
            Array.Resize(ref output, output.Length * 2);
        }
        output[written++] = entry;
    }

    private static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;
}
