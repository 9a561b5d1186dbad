namespace Detector.Ingest.Tail;

/// <summary>
/// Cuts raw reads into <see cref="LineBatch"/>es of complete lines. The unterminated tail of a read
/// is held (at most one maximum-length line plus its CR) and put in front of the next read's buffer.
/// Lines longer than the maximum are dropped and counted; bytes of such a line are never buffered
/// beyond that bound, whatever its length.
/// </summary>
internal sealed class LineAssembler(int maxLineBytes, IngestCounters counters)
{
    private readonly byte[] _pending = new byte[maxLineBytes + 1];
    private int _pendingLength;
    // Inside a line that is being dropped: discard bytes up to and including the next '\n'.
    private bool _discarding;

    /// <summary>Bytes of the held partial line (bounded by the maximum line length + 1).</summary>
    public int PendingLength => _pendingLength;

    /// <summary>
    /// A fresh buffer for the next read: the held partial line at its front, then room for
    /// <paramref name="readBytes"/>. Each batch owns its buffer, so buffers are never reused.
    /// </summary>
    public byte[] NextBuffer(int readBytes, out int readOffset)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(_pendingLength + readBytes);
        _pending.AsSpan(0, _pendingLength).CopyTo(buffer);
        readOffset = _pendingLength;
        return buffer;
    }

    /// <summary>
    /// Splits <paramref name="buffer"/>[0..<paramref name="length"/>) (from <see cref="NextBuffer"/>)
    /// into complete lines, holding its unterminated tail. Null if no complete line was found.
    /// </summary>
    public LineBatch? Split(byte[] buffer, int length)
    {
        var data = buffer.AsSpan(0, length);
        var position = 0;
        if (_discarding)
        {
            var end = data.IndexOf((byte)'\n');
            if (end < 0)
            {
                _pendingLength = 0;
                return null;
            }
            position = end + 1;
            _discarding = false;
        }

        var newlines = data[position..].Count((byte)'\n');
        if (newlines == 0)
        {
            Hold(data[position..]);
            return null;
        }

        var starts = new int[newlines];
        var lengths = new int[newlines];
        var count = 0;
        for (var i = 0; i < newlines; i++)
        {
            var lineLength = data[position..].IndexOf((byte)'\n');
            if (Accept(data, position, lineLength, out var trimmed))
            {
                starts[count] = position;
                lengths[count] = trimmed;
                count++;
            }
            position += lineLength + 1;
        }
        Hold(data[position..]);
        return count > 0 ? new LineBatch(buffer, starts, lengths, count) : null;
    }

    /// <summary>
    /// The file is finished (end of replay, or the old file of a rotation): its unterminated last
    /// line, if any, becomes a line of its own.
    /// </summary>
    public LineBatch? Flush()
    {
        var length = _pendingLength;
        _pendingLength = 0;
        if (_discarding)
        {
            _discarding = false;
            return null;
        }
        if (length == 0 || !Accept(_pending, 0, length, out var trimmed)) return null;
        return new LineBatch(_pending[..trimmed], [0], [trimmed], 1);
    }

    /// <summary>Forget the held partial line (the file was truncated under it).</summary>
    public void Reset()
    {
        _pendingLength = 0;
        _discarding = false;
    }

    /// <summary>Reading starts in the middle of a line: drop its rest without counting it.</summary>
    public void SkipToNextLine()
    {
        _pendingLength = 0;
        _discarding = true;
    }

    private bool Accept(ReadOnlySpan<byte> data, int start, int length, out int trimmed)
    {
        trimmed = length > 0 && data[start + length - 1] == (byte)'\r' ? length - 1 : length;
        if (trimmed <= maxLineBytes) return true;
        counters.AddMalformed(MalformedReason.LineTooLong);
        return false;
    }

    private void Hold(ReadOnlySpan<byte> tail)
    {
        if (tail.Length > _pending.Length)
        {
            counters.AddMalformed(MalformedReason.LineTooLong);
            _pendingLength = 0;
            _discarding = true;
            return;
        }
        tail.CopyTo(_pending);
        _pendingLength = tail.Length;
    }
}
