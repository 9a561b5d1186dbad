using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Detector.Domain;
using Detector.Ingest.Formats;
using Detector.Ingest.Parsing;

namespace Detector.Ingest.Nextcloud;

/// <summary>
/// Reads Nextcloud's own log, <c>nextcloud.log</c>: one JSON object per line with <c>reqId</c>, <c>level</c>,
/// <c>time</c>, <c>remoteAddr</c>, <c>user</c>, <c>app</c>, <c>method</c>, <c>url</c>, <c>message</c>,
/// <c>userAgent</c>, <c>version</c> (lib/private/Log/LogDetails.php). <c>time</c> is written with
/// <c>logdateformat</c> (default ISO 8601 with offset, <c>DateTimeInterface::ATOM</c>) in <c>logtimezone</c>;
/// ISO 8601 with or without an offset (none: UTC) and epoch seconds are read. <c>message</c> is a string, or an
/// object in older versions' exception entries (never a failed login).
/// </summary>
/// <remarks>
/// <para>The lines it picks out, as Nextcloud writes them:</para>
/// <list type="bullet">
/// <item>lib/private/User/Session.php, handleLoginFailed (HTTP basic auth: WebDAV, clients), warning:
/// <c>Login failed: '{user}' (Remote IP: '{addr}')</c>;</item>
/// <item>lib/private/Authentication/Login/LoggedInCheckCommand.php (the login form), warning:
/// <c>Login failed: {user} (Remote IP: {addr})</c>;</item>
/// <item>lib/private/Security/Bruteforce/Throttler.php, notice/info: <c>Bruteforce attempt from "{ip}" detected for
/// action "{action}".</c>, <c>IP address throttled because it reached the attempts limit in the last 30 minutes
/// [action: …, delay: …, ip: …]</c>, <c>IP address blocked because it reached the maximum failed attempts in the last
/// 30 minutes [action: …, ip: …]</c>. Counted, not judged: each follows from failed logins already counted.</item>
/// </list>
/// <para>The login name is whatever the client typed (it may hold quotes, " (Remote IP: " itself, or nothing): the
/// address is taken from the last " (Remote IP: " in the message, the name is everything before it. The address is
/// the entry's <c>remoteAddr</c> (the client after Nextcloud's trusted proxies), else the one in the message. Never
/// throws; not thread-safe (one per file).</para>
/// </remarks>
public sealed class NextcloudLogParser(int maxLineBytes, NextcloudCounters counters)
{
    /// <summary>Longer login names are cut here: a name is a key in memory, and a client chooses its length.</summary>
    public const int MaxAccountLength = 256;

    private static readonly JsonReaderOptions ReaderOptions = new() { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 };
    private static readonly byte[] LoginFailed = "Login failed: "u8.ToArray();
    private static readonly byte[] RemoteIp = " (Remote IP: "u8.ToArray();

    private byte[] _time = new byte[64], _address = new byte[64], _message = new byte[256];
    private int _timeLength, _addressLength, _messageLength;
    private bool _timeIsNumber;

    /// <summary>Parses one line. Null and the kind of line (with the failure for a failed login), or why it is malformed.</summary>
    public MalformedReason? Parse(ReadOnlySpan<byte> line, out NextcloudLine kind, out LoginFailure failure)
    {
        kind = NextcloudLine.Other;
        failure = default;
        if (line.Length > maxLineBytes) return MalformedReason.LineTooLong;
        // Nextcloud converts what json_encode refuses, but a torn write can still cut a character: the rest is read
        // with U+FFFD in its place.
        if (!Utf8.IsValid(line)) line = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(line));
        if (JsonText.ObjectFraming(ref line) is { } framing) return framing;

        _timeLength = _addressLength = _messageLength = -1;
        var reader = new Utf8JsonReader(line, ReaderOptions);
        try
        {
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = reader.ValueTextEquals("time"u8) ? 0 : reader.ValueTextEquals("remoteAddr"u8) ? 1 : reader.ValueTextEquals("message"u8) ? 2 : -1;
                reader.Read();
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    reader.Skip();
                    continue;
                }
                if (field < 0 || reader.TokenType is not (JsonTokenType.String or JsonTokenType.Number)) continue;
                switch (field)
                {
                    case 0:
                        _timeLength = Keep(ref reader, ref _time);
                        _timeIsNumber = reader.TokenType == JsonTokenType.Number;
                        break;
                    case 1: _addressLength = Keep(ref reader, ref _address); break;
                    default:
                        if (reader.TokenType == JsonTokenType.String) _messageLength = Keep(ref reader, ref _message);
                        break;
                }
            }
            if (reader.Read()) return MalformedReason.InvalidJson;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return MalformedReason.InvalidJson;
        }

        var message = _messageLength < 0 ? default : _message.AsSpan(0, _messageLength);
        kind = KindOf(message);
        if (kind != NextcloudLine.FailedLogin) return null;

        if (_timeLength <= 0) return MalformedReason.MissingTime;
        if (!Timestamps.TryParse(_time.AsSpan(0, _timeLength), _timeIsNumber, out var timeMs)) return MalformedReason.InvalidTime;

        var text = message[LoginFailed.Length..];
        var at = text.LastIndexOf(RemoteIp);
        var name = at < 0 ? text : text[..at];
        var fromMessage = at < 0 ? default : Unquote(TrimEnd(text[(at + RemoteIp.Length)..], (byte)')'));
        var address = _addressLength > 0 && !_address.AsSpan(0, _addressLength).SequenceEqual("--"u8) ? _address.AsSpan(0, _addressLength) : fromMessage;
        if (address.IsEmpty) return MalformedReason.MissingIp;
        if (!ClientAddress.TryParse(address, out var ip)) return MalformedReason.InvalidIp;

        var account = Encoding.UTF8.GetString(Unquote(name));
        if (account.Length > MaxAccountLength) account = account[..MaxAccountLength];
        failure = new LoginFailure(timeMs, ip, account);
        return null;
    }

    /// <summary>The failed logins of a batch of lines, in order; every line counted by kind or malformed reason.</summary>
    public EntryBatch Parse(LineBatch batch)
    {
        if (batch.IsCaughtUp) return EntryBatch.CaughtUp;
        List<LoginFailure>? failures = null;
        for (var i = 0; i < batch.Count; i++)
        {
            if (Parse(batch.Line(i), out var kind, out var failure) is { } reason)
            {
                counters.AddMalformed(reason);
                continue;
            }
            counters.Add(kind);
            if (kind == NextcloudLine.FailedLogin) (failures ??= []).Add(failure);
        }
        return EntryBatch.OfLogins(failures?.ToArray() ?? []);
    }

    private static NextcloudLine KindOf(ReadOnlySpan<byte> message) =>
        message.StartsWith(LoginFailed) ? NextcloudLine.FailedLogin
        : message.StartsWith("Bruteforce attempt from "u8) ? NextcloudLine.BruteforceAttempt
        : message.StartsWith("IP address throttled because "u8) ? NextcloudLine.Throttled
        : message.StartsWith("IP address blocked because "u8) ? NextcloudLine.Blocked
        : NextcloudLine.Other;

    /// <summary>Without one pair of surrounding single quotes (Session.php quotes both the name and the address).</summary>
    private static ReadOnlySpan<byte> Unquote(ReadOnlySpan<byte> text) =>
        text.Length >= 2 && text[0] == '\'' && text[^1] == '\'' ? text[1..^1] : text;

    private static ReadOnlySpan<byte> TrimEnd(ReadOnlySpan<byte> text, byte last) =>
        !text.IsEmpty && text[^1] == last ? text[..^1] : text;

    /// <summary>Copies a string (unescaped) or number into a reusable buffer; its length.</summary>
    private static int Keep(ref Utf8JsonReader reader, ref byte[] buffer)
    {
        var length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        if (buffer.Length < length) buffer = new byte[Math.Max(length, buffer.Length * 2)];
        if (reader.TokenType == JsonTokenType.String) return reader.CopyString(buffer);
        reader.ValueSpan.CopyTo(buffer);
        return length;
    }
}
