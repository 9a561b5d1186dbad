using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Detector.Configuration;
using Detector.Ingest.Parsing;
using Detector.Domain;

namespace Detector.Ingest;

/// <summary>
/// Turns log lines into entries with Utf8JsonReader (no DOM). Field aliases as in <see cref="FieldAliasTable"/> (docs/architecture.md,
/// contracts: log fields) plus
/// <see cref="LogOptions.FieldMap"/>. Bad lines are counted by reason in <see cref="IngestCounters"/> and a
/// bounded number per minute are sampled to the log callback; they never throw.
/// Not thread-safe (string pools); use one instance per stream stage.
/// </summary>
/// <remarks>
/// A line with invalid UTF-8 is counted as <see cref="MalformedReason.InvalidUtf8"/>, but if it is
/// otherwise a good entry it is still returned (bad bytes shown as U+FFFD): Nginx copies header and
/// URI bytes into the log as sent, so dropping such lines would let a client hide its requests from
/// detection just by sending one non-UTF-8 byte in its User-Agent.
/// </remarks>
public sealed class LogParser
{
    private static readonly JsonReaderOptions ReaderOptions = new() { CommentHandling = JsonCommentHandling.Disallow };
    private const int PoolCapacity = 4096;

    private readonly IngestCounters _counters;
    private readonly FieldAliasTable _aliases;
    private readonly MalformedSampler _sampler;
    private readonly int _maxLineBytes;
    private readonly Utf8StringPool _paths = new(PoolCapacity);
    private readonly Utf8StringPool _userAgents = new(PoolCapacity);
    private readonly Utf8StringPool _otherMethods = new(256, maxBytes: 64);
    // Reused per canonical field for escaped string values, and for repairing non-UTF-8 lines.
    private readonly byte[]?[] _unescaped = new byte[]?[Enum.GetValues<CanonicalField>().Length];
    private byte[] _repaired = [];

    /// <param name="sample">Receives (reason, line text truncated to 200 chars) for sampled malformed lines.</param>
    /// <exception cref="ArgumentException">The FieldMap names an unknown canonical field.</exception>
    public LogParser(LogOptions options, IngestCounters counters, Action<MalformedReason, string>? sample = null)
        : this(options, counters, sample, TimeProvider.System)
    {
    }

    /// <param name="sampleClock">Wall clock that delimits the sampling minutes.</param>
    public LogParser(LogOptions options, IngestCounters counters, Action<MalformedReason, string>? sample, TimeProvider sampleClock)
    {
        ArgumentNullException.ThrowIfNull(options);
        _counters = counters ?? throw new ArgumentNullException(nameof(counters));
        _aliases = new FieldAliasTable(options.FieldMap);
        _sampler = new MalformedSampler(options.MalformedSamplesPerMinute, sampleClock, sample);
        _maxLineBytes = options.MaxLineBytes > 0 ? options.MaxLineBytes : int.MaxValue;
    }

    /// <summary>Parses one line. False (and counted) when malformed.</summary>
    public bool TryParse(ReadOnlySpan<byte> line, out AccessLogEntry entry)
    {
        MalformedReason? reason;
        if (line.Length > _maxLineBytes)
        {
            entry = default;
            reason = MalformedReason.LineTooLong;
        }
        else if (Utf8.IsValid(line))
        {
            reason = ParseJson(line, out entry);
        }
        else
        {
            Reject(MalformedReason.InvalidUtf8, line);
            return ParseJson(RepairUtf8(line), out entry) is null;
        }

        if (reason is null) return true;
        Reject(reason.Value, line);
        return false;
    }

    /// <summary>Parses all lines of a batch; counts lines, entries and malformed.</summary>
    public EntryBatch Parse(LineBatch batch)
    {
        var entries = batch.Count == 0 ? [] : new AccessLogEntry[batch.Count];
        var count = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            if (!TryParse(batch.Line(i), out var entry)) continue;
            entries[count++] = entry;
        }
        _counters.AddLines(batch.Count);
        _counters.AddEntries(count);
        // The newest event time (the lag figure) is the clock's to set, from lines it accepted: a line dated 9999
        // must not make the daemon look years ahead (EventClock, TimePlausibility).
        return new EntryBatch(entries, count);
    }

    private void Reject(MalformedReason reason, ReadOnlySpan<byte> line)
    {
        _counters.AddMalformed(reason);
        _sampler.Offer(reason, line);
    }

    private MalformedReason? ParseJson(ReadOnlySpan<byte> line, out AccessLogEntry entry)
    {
        entry = default;
        line = TrimJsonWhitespace(line.StartsWith("\uFEFF"u8) ? line[3..] : line);
        if (line.IsEmpty) return MalformedReason.InvalidJson;
        if (line[0] != '{') return IsJsonValue(line) ? MalformedReason.NotAnObject : MalformedReason.InvalidJson;
        // A line cut off mid-write (the usual bad line) fails here, without the cost of a reader exception.
        if (line[^1] != '}') return MalformedReason.InvalidJson;

        var fields = new LineFields();
        return CollectFields(line, ref fields) ?? BuildEntry(ref fields, out entry);
    }

    /// <summary>One reader pass over the object, keeping the best-priority value of each canonical field.</summary>
    private MalformedReason? CollectFields(ReadOnlySpan<byte> line, ref LineFields fields)
    {
        var reader = new Utf8JsonReader(line, ReaderOptions);
        try
        {
            reader.Read();
            for (var position = 0; reader.Read() && reader.TokenType == JsonTokenType.PropertyName; position++)
            {
                var field = LookupName(ref reader, position, out var priority);
                reader.Read();
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    reader.Skip();
                    continue;
                }
                if (field == CanonicalField.None) continue;

                ref var slot = ref fields[field];
                if (slot.IsPresent && slot.Priority <= priority) continue;
                slot.Type = reader.TokenType;
                slot.Priority = priority;
                slot.Bytes = reader.ValueIsEscaped ? Unescape(ref reader, field) : reader.ValueSpan;
            }
            // Anything after the closing brace (two objects run together) makes this throw.
            return reader.Read() ? MalformedReason.InvalidJson : null;
        }
        catch (JsonException)
        {
            return MalformedReason.InvalidJson;
        }
        catch (InvalidOperationException)
        {
            // CopyString on an escape that is not valid UTF-16 (a lone surrogate such as \ud800).
            return MalformedReason.InvalidJson;
        }
    }

    private CanonicalField LookupName(ref Utf8JsonReader reader, int position, out byte priority)
    {
        if (!reader.ValueIsEscaped) return _aliases.Lookup(reader.ValueSpan, position, out priority);
        priority = 0;
        // An escape is at most 6 bytes for one byte of name.
        if (reader.ValueSpan.Length > FieldAliasTable.MaxNameBytes * 6) return CanonicalField.None;
        Span<byte> name = stackalloc byte[FieldAliasTable.MaxNameBytes * 6];
        var length = reader.CopyString(name);
        return _aliases.Lookup(name[..length], out priority);
    }

    private ReadOnlySpan<byte> Unescape(scoped ref Utf8JsonReader reader, CanonicalField field)
    {
        ref var buffer = ref _unescaped[(int)field];
        if (buffer is null || buffer.Length < reader.ValueSpan.Length)
            buffer = new byte[Math.Max(256, reader.ValueSpan.Length)];
        var length = reader.CopyString(buffer);
        return buffer.AsSpan(0, length);
    }

    private MalformedReason? BuildEntry(ref LineFields fields, out AccessLogEntry entry)
    {
        entry = default;
        if (fields.Ip.IsBlank) return MalformedReason.MissingIp;
        if (!fields.Ip.IsString || !ClientAddress.TryParse(fields.Ip.Bytes, out var ip)) return MalformedReason.InvalidIp;

        if (ResolveTime(ref fields, out var timeMs) is { } timeProblem) return timeProblem;

        if (!IsScalarText(fields.Status) || !Utf8Numbers.TryParseStatus(fields.Status.Bytes, out var status))
            return MalformedReason.InvalidStatus;

        long bytes = 0;
        if (IsScalarText(fields.Bytes) && !Utf8Numbers.TryParseNonNegative(fields.Bytes.Bytes, out bytes)) bytes = 0;

        ReadOnlySpan<byte> method = TextOf(fields.Method), path = TextOf(fields.Path);
        if (method.IsEmpty && path.IsEmpty && !fields.Request.IsBlank && fields.Request.IsString)
            RequestLine.Split(fields.Request.Bytes, out method, out path);

        entry = new AccessLogEntry(
            ip,
            timeMs,
            method.IsEmpty ? "-" : HttpMethods.Known(method) ?? _otherMethods.Get(method),
            Intern(_paths, path),
            status,
            bytes,
            Intern(_userAgents, TextOf(fields.UserAgent)));
        return null;
    }

    /// <summary>msec wins over the other time fields because it carries milliseconds.</summary>
    private static MalformedReason? ResolveTime(ref LineFields fields, out long timeMs)
    {
        timeMs = 0;
        if (!fields.Msec.IsBlank && IsScalarText(fields.Msec)
            && Timestamps.TryParse(fields.Msec.Bytes, fields.Msec.IsNumber, out timeMs))
            return null;
        if (!fields.Time.IsBlank)
            return IsScalarText(fields.Time) && Timestamps.TryParse(fields.Time.Bytes, fields.Time.IsNumber, out timeMs)
                ? null
                : MalformedReason.InvalidTime;
        return fields.Msec.IsBlank ? MalformedReason.MissingTime : MalformedReason.InvalidTime;
    }

    private static bool IsScalarText(in RawValue value) => value.IsString || value.IsNumber;

    /// <summary>The string's bytes, or empty when absent, blank or not a string.</summary>
    private static ReadOnlySpan<byte> TextOf(in RawValue value) => value.IsString && !value.IsBlank ? value.Bytes : default;

    private static string Intern(Utf8StringPool pool, ReadOnlySpan<byte> text) => text.IsEmpty ? "-" : pool.Get(text);

    /// <summary>True when the line is one complete JSON value (used only for lines that are not objects).</summary>
    private static bool IsJsonValue(ReadOnlySpan<byte> line)
    {
        if (line[0] is not ((byte)'[' or (byte)'"' or (byte)'-' or (byte)'t' or (byte)'f' or (byte)'n') && (uint)(line[0] - '0') > 9)
            return false;
        var reader = new Utf8JsonReader(line, ReaderOptions);
        try
        {
            return reader.Read() && reader.TrySkip() && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static ReadOnlySpan<byte> TrimJsonWhitespace(ReadOnlySpan<byte> line)
    {
        var start = 0;
        while (start < line.Length && line[start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') start++;
        var end = line.Length;
        while (end > start && line[end - 1] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') end--;
        return line[start..end];
    }

    /// <summary>A copy of the line with each invalid UTF-8 sequence replaced by U+FFFD.</summary>
    private ReadOnlySpan<byte> RepairUtf8(ReadOnlySpan<byte> line)
    {
        // Each invalid byte becomes at most 3 bytes.
        if (_repaired.Length < line.Length * 3) _repaired = new byte[line.Length * 3];
        var written = 0;
        while (!line.IsEmpty)
        {
            var status = Rune.DecodeFromUtf8(line, out var rune, out var consumed);
            if (status != OperationStatus.Done) rune = Rune.ReplacementChar;
            written += rune.EncodeToUtf8(_repaired.AsSpan(written));
            line = line[consumed..];
        }
        return _repaired.AsSpan(0, written);
    }
}
