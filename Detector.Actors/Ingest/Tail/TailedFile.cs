using Microsoft.Win32.SafeHandles;

namespace Detector.Ingest.Tail;

/// <summary>
/// One open log file and our offset in it. Reads are positional (pread), so the offset is ours
/// alone; the share mode lets the writer rename, truncate or delete the file while we hold it.
/// </summary>
internal sealed class TailedFile : IDisposable
{
    /// <summary>
    /// Bytes of the file's start kept as its fingerprint: most of a first line, whose time and address make a
    /// rewritten file differ from the one we read.
    /// </summary>
    public const int HeadBytes = 256;

    private readonly SafeFileHandle _handle;
    private readonly byte[] _head = new byte[HeadBytes];
    private int _headLength;

    private TailedFile(SafeFileHandle handle, FileIdentity? identity)
    {
        _handle = handle;
        Identity = identity;
    }

    /// <summary>Identity of the opened file; null where the platform cannot tell (rotation by rename is then not detected).</summary>
    public FileIdentity? Identity { get; }

    public long Position { get; set; }

    /// <summary>Current size of the opened file (fstat), which may be below <see cref="Position"/> after a truncation.</summary>
    public long Length => RandomAccess.GetLength(_handle);

    public static TailedFile Open(string path)
    {
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        try
        {
            return new TailedFile(handle, FileIdentity.OfHandle(handle));
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Reads at <see cref="Position"/> and advances it; 0 means end of file.</summary>
    public int Read(Span<byte> into)
    {
        var read = RandomAccess.Read(_handle, into, Position);
        Position += read;
        return read;
    }

    /// <summary>
    /// Whether the file's first bytes are still those seen before. A copytruncate followed, within one poll, by more
    /// data than our offset leaves the size above it and the inode unchanged: only the content tells. While the
    /// remembered head is shorter than <see cref="HeadBytes"/> it is extended from what the file holds now.
    /// </summary>
    public bool HeadUnchanged()
    {
        Span<byte> now = stackalloc byte[HeadBytes];
        var read = RandomAccess.Read(_handle, now, 0);
        var compared = Math.Min(read, _headLength);
        if (compared < _headLength || !now[..compared].SequenceEqual(_head.AsSpan(0, compared))) return false;
        if (read > _headLength)
        {
            now[..read].CopyTo(_head);
            _headLength = read;
        }
        return true;
    }

    /// <summary>Forgets the fingerprint (the file was truncated and is read again from its start).</summary>
    public void ForgetHead() => _headLength = 0;

    /// <summary>True if the byte just before <paramref name="offset"/> is a newline (or the offset is 0).</summary>
    public bool IsLineStart(long offset)
    {
        if (offset == 0) return true;
        Span<byte> last = stackalloc byte[1];
        return RandomAccess.Read(_handle, last, offset - 1) == 1 && last[0] == (byte)'\n';
    }

    public void Dispose() => _handle.Dispose();
}
