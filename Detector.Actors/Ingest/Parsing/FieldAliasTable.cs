namespace Detector.Ingest.Parsing;

/// <summary>
/// Maps a log field name (UTF-8 bytes, ASCII case-insensitive) to its canonical field and a priority.
/// When a line carries several names for one field, the lowest priority number wins: names from
/// <c>LogOptions.FieldMap</c> are 0, built-in aliases follow in the order listed in <see cref="Defaults"/>.
/// Not thread-safe: it remembers the name last seen at each position, because one log format writes
/// the same names in the same order on every line and an exact byte compare is cheaper than a lookup.
/// </summary>
internal sealed class FieldAliasTable
{
    /// <summary>Longer names are never aliases; they are skipped without hashing.</summary>
    public const int MaxNameBytes = 64;

    public static readonly IReadOnlyList<(CanonicalField Field, string[] Names)> Defaults =
    [
        (CanonicalField.Ip, ["source_ip", "remote_addr", "client_ip", "ip"]),
        (CanonicalField.Time, ["timestamp", "time_iso8601", "time", "time_local"]),
        (CanonicalField.Msec, ["msec"]),
        (CanonicalField.Method, ["method", "request_method"]),
        (CanonicalField.Path, ["path", "request_uri", "uri"]),
        (CanonicalField.Status, ["status"]),
        (CanonicalField.Bytes, ["response_size", "body_bytes_sent", "bytes_sent"]),
        (CanonicalField.UserAgent, ["http_user_agent", "user_agent"]),
        (CanonicalField.Request, ["request"]),
    ];

    /// <summary>
    /// Traefik's JSON access log (https://doc.traefik.io/traefik/observability/access-logs/): <c>StartUTC</c> is when the
    /// request started (the line's <c>time</c> is when it was written); the user agent is there only when the
    /// <c>User-Agent</c> header is kept (<c>accessLog.fields.headers</c>).
    /// </summary>
    public static readonly IReadOnlyList<(CanonicalField Field, string[] Names)> Traefik =
    [
        (CanonicalField.Ip, ["ClientHost"]),
        (CanonicalField.Time, ["StartUTC", "StartLocal", "time"]),
        (CanonicalField.Method, ["RequestMethod"]),
        (CanonicalField.Path, ["RequestPath"]),
        (CanonicalField.Status, ["DownstreamStatus", "OriginStatus"]),
        (CanonicalField.Bytes, ["DownstreamContentSize", "OriginContentSize"]),
        (CanonicalField.UserAgent, ["request_User-Agent"]),
    ];

    private struct Slot
    {
        public byte[]? Name;
        public uint Hash;
        public CanonicalField Field;
        public byte Priority;
    }

    private struct RecentName
    {
        public byte[]? Name;
        public int Length;
        public CanonicalField Field;
        public byte Priority;
    }

    private readonly Slot[] _slots;
    private readonly int _mask;
    private readonly RecentName[] _byPosition = new RecentName[32];

    /// <exception cref="ArgumentException">A FieldMap entry names an unknown canonical field.</exception>
    /// <param name="defaults">The format's built-in names (<see cref="Defaults"/> when null).</param>
    public FieldAliasTable(IReadOnlyDictionary<string, string>? fieldMap, IReadOnlyList<(CanonicalField Field, string[] Names)>? defaults = null)
    {
        var entries = new Dictionary<string, (CanonicalField Field, byte Priority)>(StringComparer.Ordinal);
        foreach (var (field, names) in defaults ?? Defaults)
            for (var i = 0; i < names.Length; i++)
                entries[AsciiLower(names[i])] = (field, (byte)(1 + i));

        foreach (var (name, target) in fieldMap ?? new Dictionary<string, string>())
        {
            if (!CanonicalFieldNames.TryParse(target, out var field))
                throw new ArgumentException(
                    $"Detector:Log:FieldMap maps '{name}' to '{target}', which is not one of ip, time, msec, method, path, status, bytes, user_agent, request, ignore.");
            var key = AsciiLower(name.Trim());
            if (key.Length == 0 || System.Text.Encoding.UTF8.GetByteCount(key) > MaxNameBytes)
                throw new ArgumentException($"Detector:Log:FieldMap field name '{name}' must be 1..{MaxNameBytes} bytes.");
            entries[key] = (field, 0);
        }

        var size = 16;
        while (size < entries.Count * 4) size *= 2;
        _slots = new Slot[size];
        _mask = size - 1;
        foreach (var (name, (field, priority)) in entries)
        {
            if (field == CanonicalField.None) continue;
            var bytes = System.Text.Encoding.UTF8.GetBytes(name);
            var hash = Hash(bytes);
            var i = (int)hash & _mask;
            while (_slots[i].Name is not null) i = (i + 1) & _mask;
            _slots[i] = new Slot { Name = bytes, Hash = hash, Field = field, Priority = priority };
        }
    }

    /// <param name="position">Index of the property in its object; a hint for the per-position memory.</param>
    public CanonicalField Lookup(ReadOnlySpan<byte> name, int position, out byte priority)
    {
        if ((uint)position >= (uint)_byPosition.Length || name.Length > MaxNameBytes) return Lookup(name, out priority);

        ref var recent = ref _byPosition[position];
        if (recent.Name is not null && name.SequenceEqual(recent.Name.AsSpan(0, recent.Length)))
        {
            priority = recent.Priority;
            return recent.Field;
        }
        var field = Lookup(name, out priority);
        recent.Name ??= new byte[MaxNameBytes];
        name.CopyTo(recent.Name);
        recent.Length = name.Length;
        recent.Field = field;
        recent.Priority = priority;
        return field;
    }

    public CanonicalField Lookup(ReadOnlySpan<byte> name, out byte priority)
    {
        priority = 0;
        if (name.IsEmpty || name.Length > MaxNameBytes) return CanonicalField.None;

        Span<byte> lower = stackalloc byte[MaxNameBytes];
        lower = lower[..name.Length];
        var hash = 2166136261u;
        for (var i = 0; i < name.Length; i++)
        {
            var b = name[i];
            if ((uint)(b - 'A') <= 'Z' - 'A') b |= 0x20;
            lower[i] = b;
            hash = (hash ^ b) * 16777619u;
        }

        for (var i = (int)hash & _mask; ; i = (i + 1) & _mask)
        {
            ref readonly var slot = ref _slots[i];
            if (slot.Name is null) return CanonicalField.None;
            if (slot.Hash == hash && lower.SequenceEqual(slot.Name))
            {
                priority = slot.Priority;
                return slot.Field;
            }
        }
    }

    private static uint Hash(ReadOnlySpan<byte> lowerName)
    {
        var hash = 2166136261u;
        foreach (var b in lowerName) hash = (hash ^ b) * 16777619u;
        return hash;
    }

    // Only ASCII letters fold, matching Lookup, so a non-ASCII name matches exactly as configured.
    private static string AsciiLower(string name) =>
        string.Create(name.Length, name, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
                span[i] = source[i] is >= 'A' and <= 'Z' ? (char)(source[i] | 0x20) : source[i];
        });
}
