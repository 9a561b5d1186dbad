using Detector.Domain;

namespace Detector.Ingest.Merge;

/// <summary>
/// Merges the entry streams of several log files into one in event time: a k-way merge over each input's current
/// batch. An entry goes out only when every input that could still deliver an earlier one has shown its next entry,
/// except inputs that are caught up (at the end of their file, or waiting for it): a quiet virtual host does not hold
/// the busy ones back, and whatever it writes later joins at its own time (the coordinator's lateness tolerance takes
/// in the poll interval's worth of skew). In a replay no input is ever caught up before it completes, so the output
/// is in time order across files whatever their lengths or gaps.
/// Pure and single-threaded; <see cref="EventTimeMergeStage"/> drives it.
/// </summary>
public sealed class EventTimeMerger
{
    private readonly EntryBatch?[] _current;
    private readonly int[] _next;
    private readonly bool[] _caughtUp;
    private readonly bool[] _completed;

    public EventTimeMerger(int inputs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputs, 1);
        _current = new EntryBatch?[inputs];
        _next = new int[inputs];
        _caughtUp = new bool[inputs];
        _completed = new bool[inputs];
    }

    public int Inputs => _current.Length;

    /// <summary>True when the input has nothing buffered and has not completed: the stage should pull it.</summary>
    public bool Wants(int input) => _current[input] is null && !_completed[input];

    /// <summary>True when every input completed and everything was taken.</summary>
    public bool IsFinished => Enumerable.Range(0, Inputs).All(i => _completed[i] && _current[i] is null);

    /// <summary>A batch from <paramref name="input"/>; a caught-up marker or an empty batch only updates its state.</summary>
    public void Offer(int input, EntryBatch batch)
    {
        if (_current[input] is not null) throw new InvalidOperationException($"input {input} offered a batch before its last was taken");
        if (batch.IsCaughtUp)
        {
            _caughtUp[input] = true;
            return;
        }
        _caughtUp[input] = false;
        if (batch.Size == 0) return;
        _current[input] = batch;
        _next[input] = 0;
    }

    public void Complete(int input) => _completed[input] = true;

    /// <summary>
    /// The next run of entries in event time, or null when an input that is neither caught up nor completed has yet
    /// to deliver. A run is a prefix of one input's batch up to the earliest next entry of the others.
    /// </summary>
    public EntryBatch? TryTake()
    {
        var chosen = -1;
        for (var i = 0; i < Inputs; i++)
        {
            if (_current[i] is null)
            {
                if (!_completed[i] && !_caughtUp[i]) return null;
                continue;
            }
            if (chosen < 0 || Head(i) < Head(chosen)) chosen = i;
        }
        if (chosen < 0) return null;

        var limit = long.MaxValue;
        for (var i = 0; i < Inputs; i++)
            if (i != chosen && _current[i] is not null) limit = Math.Min(limit, Head(i));

        var batch = _current[chosen]!;
        var start = _next[chosen];
        var end = start + 1;
        while (end < batch.Size && batch.TimeAt(end) <= limit) end++;

        if (end == batch.Size) _current[chosen] = null;
        else _next[chosen] = end;
        return start == 0 && end == batch.Size ? batch : batch.Slice(start, end);
    }

    private long Head(int input) => _current[input]!.TimeAt(_next[input]);
}
