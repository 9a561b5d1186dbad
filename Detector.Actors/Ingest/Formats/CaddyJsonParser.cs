using System.Text.Json;
using Detector.Domain;
using Detector.Ingest.Parsing;

namespace Detector.Ingest.Formats;

/// <summary>
/// Caddy's JSON access log (https://caddyserver.com/docs/caddyfile/directives/log): top-level <c>ts</c> (float epoch
/// seconds, or text with a <c>time_format</c>), <c>status</c>, <c>size</c>, and a nested <c>request</c> object with
/// <c>remote_ip</c>, <c>client_ip</c> (2.7+, the address after trusted proxies, preferred), <c>method</c>, <c>uri</c>
/// and <c>headers</c> (<c>"User-Agent": ["…"]</c>). One Utf8JsonReader pass; everything else is skipped.
/// </summary>
internal sealed class CaddyJsonParser(EntryStrings strings) : IFormatParser
{
    private static readonly JsonReaderOptions ReaderOptions = new() { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 16 };

    private enum Field { RemoteIp, ClientIp, Method, Uri, Agent, Time, Status, Size, Count }

    private readonly byte[][] _values = Enumerable.Range(0, (int)Field.Count).Select(_ => new byte[64]).ToArray();
    // Length of each field's value in _values; -1 while absent.
    private readonly int[] _lengths = new int[(int)Field.Count];
    private bool _timeIsNumber;

    private ReadOnlySpan<byte> Value(Field field) => _lengths[(int)field] <= 0 ? default : _values[(int)field].AsSpan(0, _lengths[(int)field]);

    public MalformedReason? Parse(ReadOnlySpan<byte> line, out AccessLogEntry entry)
    {
        entry = default;
        if (JsonText.ObjectFraming(ref line) is { } framing) return framing;

        Array.Fill(_lengths, -1);
        var reader = new Utf8JsonReader(line, ReaderOptions);
        try
        {
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("request"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject) ReadRequest(ref reader);
                    else reader.Skip();
                    continue;
                }
                var field = reader.ValueTextEquals("ts"u8) ? Field.Time
                    : reader.ValueTextEquals("status"u8) ? Field.Status
                    : reader.ValueTextEquals("size"u8) ? Field.Size
                    : Field.Count;
                reader.Read();
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    reader.Skip();
                    continue;
                }
                if (field == Field.Count) continue;
                Keep(ref reader, field);
                if (field == Field.Time) _timeIsNumber = reader.TokenType == JsonTokenType.Number;
            }
            if (reader.Read()) return MalformedReason.InvalidJson;
        }
        catch (JsonException)
        {
            return MalformedReason.InvalidJson;
        }
        catch (InvalidOperationException)
        {
            return MalformedReason.InvalidJson;
        }

        var address = Value(Field.ClientIp).IsEmpty ? Value(Field.RemoteIp) : Value(Field.ClientIp);
        if (address.IsEmpty) return MalformedReason.MissingIp;
        if (!ClientAddress.TryParse(address, out var ip)) return MalformedReason.InvalidIp;
        if (Value(Field.Time).IsEmpty) return MalformedReason.MissingTime;
        if (!Timestamps.TryParse(Value(Field.Time), _timeIsNumber, out var timeMs)) return MalformedReason.InvalidTime;
        if (!Utf8Numbers.TryParseStatus(Value(Field.Status), out var status)) return MalformedReason.InvalidStatus;
        if (!Utf8Numbers.TryParseNonNegative(Value(Field.Size), out var bytes)) bytes = 0;

        entry = new AccessLogEntry(ip, timeMs, strings.Method(Value(Field.Method)), strings.Path(Value(Field.Uri)), status, bytes,
            strings.UserAgent(Value(Field.Agent)));
        return null;
    }

    private void ReadRequest(ref Utf8JsonReader reader)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("headers"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject) ReadHeaders(ref reader);
                else reader.Skip();
                continue;
            }
            var field = reader.ValueTextEquals("remote_ip"u8) ? Field.RemoteIp
                : reader.ValueTextEquals("client_ip"u8) ? Field.ClientIp
                : reader.ValueTextEquals("method"u8) ? Field.Method
                : reader.ValueTextEquals("uri"u8) ? Field.Uri
                : Field.Count;
            reader.Read();
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
                continue;
            }
            if (field == Field.Count || reader.TokenType != JsonTokenType.String) continue;
            Keep(ref reader, field);
        }
    }

    /// <summary>Go canonicalises header names, so the agent is <c>"User-Agent": ["…"]</c>; the first value is taken.</summary>
    private void ReadHeaders(ref Utf8JsonReader reader)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isAgent = reader.ValueTextEquals("User-Agent"u8);
            reader.Read();
            if (!isAgent || reader.TokenType != JsonTokenType.StartArray)
            {
                reader.Skip();
                continue;
            }
            if (reader.Read() && reader.TokenType == JsonTokenType.String) Keep(ref reader, Field.Agent);
            if (reader.TokenType != JsonTokenType.EndArray)
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) reader.Skip();
        }
    }

    /// <summary>Copies a string or number value into the field's reusable buffer (unescaped).</summary>
    private void Keep(ref Utf8JsonReader reader, Field field)
    {
        if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.Number)) return;
        ref var buffer = ref _values[(int)field];
        if (buffer.Length < reader.ValueSpan.Length) buffer = new byte[reader.ValueSpan.Length];
        if (reader.ValueIsEscaped)
        {
            _lengths[(int)field] = reader.CopyString(buffer);
        }
        else
        {
            reader.ValueSpan.CopyTo(buffer);
            _lengths[(int)field] = reader.ValueSpan.Length;
        }
    }
}
