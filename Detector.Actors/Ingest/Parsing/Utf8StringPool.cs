using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Detector.Ingest.Parsing;

/// <summary>
/// A bounded cache from UTF-8 bytes to the decoded string, so a user agent or path seen again costs a
/// hash and a byte compare instead of an allocation. Two-way set-associative: a new value replaces the
/// less recently used of its two slots, so two hot values that hash alike do not evict each other.
/// Memory is bounded by capacity × <c>maxBytes</c>. Not thread-safe.
/// </summary>
internal sealed class Utf8StringPool
{
    private struct Slot
    {
        public ulong Hash;
        public byte[] Bytes;
        public string Value;
    }

    private readonly Slot[] _slots;
    private readonly bool[] _secondIsRecent;
    private readonly int _setMask;
    private readonly int _maxBytes;
    // Per-instance random seed: crafted values cannot be aimed at one slot to evict hot entries.
    private readonly ulong _seed = (ulong)Random.Shared.NextInt64() | 1;

    /// <param name="capacity">Rounded up to a power of two.</param>
    /// <param name="maxBytes">Longer values are decoded every time and not kept.</param>
    public Utf8StringPool(int capacity = 4096, int maxBytes = 1024)
    {
        var size = 2;
        while (size < capacity) size *= 2;
        _slots = new Slot[size];
        _secondIsRecent = new bool[size / 2];
        _setMask = size / 2 - 1;
        _maxBytes = maxBytes;
    }

    public int Capacity => _slots.Length;

    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty) return string.Empty;
        if (utf8.Length > _maxBytes) return Encoding.UTF8.GetString(utf8);

        var hash = Hash(utf8, _seed);
        var set = (int)hash & _setMask;
        ref var first = ref _slots[2 * set];
        if (first.Hash == hash && first.Value is not null && utf8.SequenceEqual(first.Bytes))
        {
            _secondIsRecent[set] = false;
            return first.Value;
        }
        ref var second = ref _slots[2 * set + 1];
        if (second.Hash == hash && second.Value is not null && utf8.SequenceEqual(second.Bytes))
        {
            _secondIsRecent[set] = true;
            return second.Value;
        }

        var replaceSecond = !_secondIsRecent[set];
        _secondIsRecent[set] = replaceSecond;
        ref var slot = ref replaceSecond ? ref second : ref first;
        var value = Encoding.UTF8.GetString(utf8);
        slot.Bytes = slot.Bytes is { } old && old.Length == utf8.Length ? old : new byte[utf8.Length];
        utf8.CopyTo(slot.Bytes);
        slot.Hash = hash;
        slot.Value = value;
        return value;
    }

    private static ulong Hash(ReadOnlySpan<byte> data, ulong seed)
    {
        const ulong p1 = 0x9E3779B97F4A7C15UL, p2 = 0xC2B2AE3D27D4EB4FUL;
        var h = seed ^ ((ulong)data.Length * p1);
        while (data.Length >= 8)
        {
            h = BitOperations.RotateLeft(h ^ (BinaryPrimitives.ReadUInt64LittleEndian(data) * p2), 29) * p1;
            data = data[8..];
        }
        if (!data.IsEmpty)
        {
            ulong tail = 0;
            for (var i = 0; i < data.Length; i++) tail |= (ulong)data[i] << (8 * i);
            h = BitOperations.RotateLeft(h ^ (tail * p2), 29) * p1;
        }
        h ^= h >> 32;
        h *= p2;
        return h ^ (h >> 29);
    }
}
