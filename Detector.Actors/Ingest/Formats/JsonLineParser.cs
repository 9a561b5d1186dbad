using System.Text.Json;
using Detector.Domain;
using Detector.Ingest.Parsing;

namespace Detector.Ingest.Formats;

/// <summary>
/// Flat JSON objects, one per line (the shipped <c>detector_json</c>, Traefik's JSON with its own names), read with
/// Utf8JsonReader (no DOM) in one pass that keeps the best-priority value of each canonical field
/// (<see cref="FieldAliasTable"/>). Nested objects and arrays are skipped.
/// </summary>
internal sealed class JsonLineParser(FieldAliasTable aliases, EntryStrings strings) : IFormatParser
{
    private static readonly JsonReaderOptions ReaderOptions = new() { CommentHandling = JsonCommentHandling.Disallow };

    // Reused per canonical field for escaped string values.
    private readonly byte[]?[] _unescaped = new byte[]?[Enum.GetValues<CanonicalField>().Length];

    public MalformedReason? Parse(ReadOnlySpan<byte> line, out AccessLogEntry entry)
    {
        entry = default;
        if (JsonText.ObjectFraming(ref line) is { } framing) return framing;

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
        if (!reader.ValueIsEscaped) return aliases.Lookup(reader.ValueSpan, position, out priority);
        priority = 0;
        // An escape is at most 6 bytes for one byte of name.
        if (reader.ValueSpan.Length > FieldAliasTable.MaxNameBytes * 6) return CanonicalField.None;
        Span<byte> name = stackalloc byte[FieldAliasTable.MaxNameBytes * 6];
        var length = reader.CopyString(name);
        return aliases.Lookup(name[..length], out priority);
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

        entry = new AccessLogEntry(ip, timeMs, strings.Method(method), strings.Path(path), status, bytes,
            strings.UserAgent(TextOf(fields.UserAgent)));
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
}

/// <summary>Small helpers on JSON text shared by the JSON formats.</summary>
internal static class JsonText
{
    private static readonly JsonReaderOptions ReaderOptions = new() { CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>Without a UTF-8 BOM and surrounding JSON whitespace.</summary>
    public static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> line)
    {
        if (line.StartsWith("\uFEFF"u8)) line = line[3..];
        var start = 0;
        while (start < line.Length && line[start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') start++;
        var end = line.Length;
        while (end > start && line[end - 1] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') end--;
        return line[start..end];
    }

    /// <summary>Trims the line (<see cref="Trim"/>); null when it is framed as one JSON object, else why not: another
    /// JSON value, or not JSON. A line cut off mid-write (the usual bad line) fails here, without the cost of a reader
    /// exception.</summary>
    public static MalformedReason? ObjectFraming(ref ReadOnlySpan<byte> line)
    {
        line = Trim(line);
        if (line.IsEmpty) return MalformedReason.InvalidJson;
        if (line[0] != '{') return IsJsonValue(line) ? MalformedReason.NotAnObject : MalformedReason.InvalidJson;
        return line[^1] != '}' ? MalformedReason.InvalidJson : null;
    }

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
}
