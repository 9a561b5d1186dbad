using Detector.Domain;
namespace Detector.Ingest;

/// <summary>
/// A run of complete lines read from the log, sharing one buffer. Each line excludes its newline
/// (and a CR before it). The batch owns <see cref="Buffer"/>; consumers must not keep slices of it.
/// </summary>
public sealed class LineBatch(byte[] buffer, int[] starts, int[] lengths, int count)
{
    public byte[] Buffer { get; } = buffer;
    public int[] Starts { get; } = starts;
    public int[] Lengths { get; } = lengths;
    public int Count { get; } = count;

    public ReadOnlySpan<byte> Line(int index) => Buffer.AsSpan(Starts[index], Lengths[index]);

    /// <summary>
    /// No lines: the tail read to the end of its file (or waits for it to appear). Sent only when several files are
    /// merged, so that a quiet file does not hold event time back (<see cref="Merge.EventTimeMerger"/>).
    /// </summary>
    public bool IsCaughtUp { get; private init; }

    public static LineBatch CaughtUp { get; } = new([], [], [], 0) { IsCaughtUp = true };

    /// <summary>Convenience for tests and small inputs: one batch from whole lines.</summary>
    public static LineBatch FromLines(IEnumerable<string> lines)
    {
        var encoded = lines.Select(l => System.Text.Encoding.UTF8.GetBytes(l)).ToArray();
        var buffer = new byte[encoded.Sum(e => e.Length)];
        var starts = new int[encoded.Length];
        var lengths = new int[encoded.Length];
        var offset = 0;
        for (var i = 0; i < encoded.Length; i++)
        {
            encoded[i].CopyTo(buffer, offset);
            starts[i] = offset;
            lengths[i] = encoded[i].Length;
            offset += encoded[i].Length;
        }
        return new LineBatch(buffer, starts, lengths, encoded.Length);
    }
}

/// <summary>Parsed entries of one <see cref="LineBatch"/>, in log order.</summary>
public sealed record EntryBatch(AccessLogEntry[] Entries, int Count)
{
    public ReadOnlySpan<AccessLogEntry> Span => Entries.AsSpan(0, Count);

    /// <summary>What each entry counts as (<see cref="SecondCounts.Of(in AccessLogEntry)"/>), once
    /// <see cref="Classify"/> has run: batches are parsed on several threads, and the detection coordinator, the
    /// one serial stage, should not redo per-line work they can do.</summary>
    public SecondCounts[]? Counts { get; private set; }

    /// <summary>What each entry asked for, as the repetition evidence compares it (<see cref="PathKey.Of"/>), once
    /// <see cref="Classify"/> has run.</summary>
    public PathKey[]? PathKeys { get; private set; }

    /// <summary>Works out <see cref="Counts"/> and <see cref="PathKeys"/> (on the parse thread that made the batch).</summary>
    public EntryBatch Classify()
    {
        var counts = new SecondCounts[Count];
        var paths = new PathKey[Count];
        for (var i = 0; i < Count; i++)
        {
            counts[i] = SecondCounts.Of(Entries[i]);
            paths[i] = PathKey.Of(Entries[i].Path);
        }
        Counts = counts;
        PathKeys = paths;
        return this;
    }

    /// <summary>Failed logins read from a Nextcloud log (<see cref="Nextcloud.NextcloudLogParser"/>), in file order;
    /// such a batch has no entries. They merge with the access logs' entries in event time and are never traffic.</summary>
    public LoginFailure[]? Logins { get; private init; }

    public static EntryBatch OfLogins(LoginFailure[] logins) => new([], 0) { Logins = logins };

    /// <summary>How many entries, or failed logins, the batch holds.</summary>
    public int Size => Logins?.Length ?? Count;

    /// <summary>The event time (Unix ms) of the <paramref name="index"/>-th entry or failed login.</summary>
    public long TimeAt(int index) => Logins is { } logins ? logins[index].TimeMs : Entries[index].TimeMs;

    /// <summary>The entries or failed logins [<paramref name="start"/>, <paramref name="end"/>) as a batch of their own,
    /// with what <see cref="Classify"/> worked out for them (the coordinator must not redo it).</summary>
    public EntryBatch Slice(int start, int end) =>
        Logins is { } logins ? OfLogins(logins[start..end])
        : new EntryBatch(Entries[start..end], end - start) { Counts = Counts?[start..end], PathKeys = PathKeys?[start..end] };

    /// <summary>The file's tail is caught up (see <see cref="LineBatch.IsCaughtUp"/>); no entries.</summary>
    public bool IsCaughtUp { get; private init; }

    public static EntryBatch CaughtUp { get; } = new([], 0) { IsCaughtUp = true };
}
