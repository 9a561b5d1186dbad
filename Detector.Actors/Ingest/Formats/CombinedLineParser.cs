using Detector.Domain;
using Detector.Ingest.Parsing;

namespace Detector.Ingest.Formats;

/// <summary>
/// NCSA combined, the default of Nginx and Apache and the base of Traefik's CLF:
/// <c>addr ident user [dd/MMM/yyyy:HH:mm:ss ±hhmm] "request" status bytes "referer" "user agent"</c>, whatever follows
/// ignored (Nginx variants append <c>$request_time</c>, <c>"$http_x_forwarded_for"</c>, …; Traefik appends its request
/// count, router, server URL and duration). With <c>vhostPrefix</c>, Apache's <c>vhost_combined</c> (<c>%v:%p</c> first).
/// Referer and user agent may be missing (<c>common</c>). Scans the bytes once, without regex or allocation beyond the
/// pooled strings.
/// </summary>
/// <remarks>
/// The user field (Basic-auth name) is client-chosen and not escaped by Nginx, so it may hold spaces, brackets and
/// quotes: the timestamp is the first <c>[</c> followed by a valid 26-character time and <c>]</c>, and the request ends
/// at the first unescaped quote followed by a three-digit status. A crafted name can at most move its own request's
/// time; the address (first field) is the server's.
/// Escapes: Nginx writes <c>"</c>, <c>\</c> and non-printable bytes as <c>\xHH</c>; Apache writes <c>\"</c>, <c>\\</c>
/// and <c>\xhh</c>; Traefik quotes referer and agent as Go's <c>%q</c> (<c>\"</c>, <c>\\</c>). All are decoded.
/// </remarks>
internal sealed class CombinedLineParser(bool vhostPrefix, EntryStrings strings) : IFormatParser
{
    private const int TimeLength = 26; // dd/MMM/yyyy:HH:mm:ss +hhmm

    private byte[] _request = new byte[256];
    private byte[] _agent = new byte[256];

    public MalformedReason? Parse(ReadOnlySpan<byte> line, out AccessLogEntry entry)
    {
        entry = default;
        var rest = line;
        if (vhostPrefix)
        {
            var vhost = NextToken(ref rest);
            if (vhost.IsEmpty || rest.IsEmpty) return MalformedReason.NotInFormat;
        }

        var address = NextToken(ref rest);
        if (address.IsEmpty || address.SequenceEqual("-"u8)) return MalformedReason.MissingIp;
        if (!ClientAddress.TryParse(address, out var ip)) return MalformedReason.InvalidIp;

        var afterTime = FindTime(rest, out var timeMs);
        if (afterTime < 0) return rest.IndexOf((byte)'[') < 0 ? MalformedReason.MissingTime : MalformedReason.InvalidTime;
        rest = rest[afterTime..];
        if (!rest.StartsWith(" \""u8)) return MalformedReason.NotInFormat;
        rest = rest[2..];

        var requestEnd = FindRequestEnd(rest, out var status);
        if (requestEnd < 0) return requestEnd == -2 ? MalformedReason.InvalidStatus : MalformedReason.NotInFormat;
        var request = Unescape(rest[..requestEnd], ref _request);
        rest = rest[(requestEnd + 5)..]; // quote, space, three digits
        if (!rest.IsEmpty) rest = rest[1..];

        var bytesText = NextToken(ref rest);
        if (!Utf8Numbers.TryParseNonNegative(bytesText, out var bytes)) bytes = 0; // "-" (Apache's %b for none)

        ReadOnlySpan<byte> agent = default;
        var refererEnd = QuotedEnd(rest);
        if (refererEnd > 0 && rest[(refererEnd + 1)..].StartsWith(" "u8))
        {
            rest = rest[(refererEnd + 2)..];
            var agentEnd = QuotedEnd(rest);
            if (agentEnd > 0) agent = Unescape(rest[1..agentEnd], ref _agent);
        }
        if (agent.Length == 1 && agent[0] == '-') agent = default;

        RequestLine.Split(request, out var method, out var path);
        entry = new AccessLogEntry(ip, timeMs, strings.Method(method), strings.Path(path), status, bytes, strings.UserAgent(agent));
        return null;
    }

    /// <summary>The text before the next space; <paramref name="rest"/> moves past the space.</summary>
    private static ReadOnlySpan<byte> NextToken(ref ReadOnlySpan<byte> rest)
    {
        var space = rest.IndexOf((byte)' ');
        ReadOnlySpan<byte> token;
        if (space < 0)
        {
            token = rest;
            rest = default;
        }
        else
        {
            token = rest[..space];
            rest = rest[(space + 1)..];
        }
        return token;
    }

    /// <summary>Index just after the <c>]</c> of the first bracketed valid time, or -1.</summary>
    private static int FindTime(ReadOnlySpan<byte> text, out long timeMs)
    {
        timeMs = 0;
        var from = 0;
        while (true)
        {
            var open = text[from..].IndexOf((byte)'[');
            if (open < 0) return -1;
            open += from;
            var close = open + 1 + TimeLength;
            if (close < text.Length && text[close] == ']' && Timestamps.TryParseNginxLocal(text.Slice(open + 1, TimeLength), out timeMs))
                return close + 1;
            from = open + 1;
        }
    }

    /// <summary>
    /// Index of the quote closing the request: the first unescaped <c>"</c> followed by a space and a valid status
    /// (then a space or the end). -1 if there is no closing quote, -2 if none is followed by a valid status.
    /// </summary>
    private static int FindRequestEnd(ReadOnlySpan<byte> text, out int status)
    {
        status = 0;
        var sawQuote = false;
        for (var from = 0; ;)
        {
            var quote = text[from..].IndexOf((byte)'"');
            if (quote < 0) return sawQuote ? -2 : -1;
            quote += from;
            from = quote + 1;
            if (IsEscaped(text, quote)) continue;
            sawQuote = true;
            if (quote + 4 < text.Length && text[quote + 1] == ' '
                && (quote + 5 == text.Length || text[quote + 5] == ' ')
                && Utf8Numbers.TryParseStatus(text.Slice(quote + 2, 3), out status))
                return quote;
        }
    }

    /// <summary>For a <c>"…"</c> value at the start of <paramref name="text"/>, the index of its closing quote; else -1.</summary>
    private static int QuotedEnd(ReadOnlySpan<byte> text)
    {
        if (text.IsEmpty || text[0] != '"') return -1;
        for (var from = 1; ;)
        {
            var quote = text[from..].IndexOf((byte)'"');
            if (quote < 0) return -1;
            quote += from;
            if (!IsEscaped(text, quote)) return quote;
            from = quote + 1;
        }
    }

    /// <summary>True when an odd number of backslashes stands right before <paramref name="index"/>.</summary>
    private static bool IsEscaped(ReadOnlySpan<byte> text, int index)
    {
        var backslashes = 0;
        while (index - backslashes - 1 >= 0 && text[index - backslashes - 1] == '\\') backslashes++;
        return (backslashes & 1) == 1;
    }

    /// <summary>Decodes <c>\xHH</c>, <c>\"</c> and <c>\\</c> into <paramref name="buffer"/>; other escapes stay as written.</summary>
    private static ReadOnlySpan<byte> Unescape(ReadOnlySpan<byte> text, scoped ref byte[] buffer)
    {
        if (text.IndexOf((byte)'\\') < 0) return text;
        if (buffer.Length < text.Length) buffer = new byte[Math.Max(text.Length, buffer.Length * 2)];
        var written = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var b = text[i];
            if (b == '\\' && i + 1 < text.Length)
            {
                var next = text[i + 1];
                if (next is (byte)'"' or (byte)'\\')
                {
                    buffer[written++] = next;
                    i++;
                    continue;
                }
                if (next == 'x' && i + 3 < text.Length && Hex(text[i + 2]) is var high and >= 0 && Hex(text[i + 3]) is var low and >= 0)
                {
                    buffer[written++] = (byte)(high * 16 + low);
                    i += 3;
                    continue;
                }
            }
            buffer[written++] = b;
        }
        return buffer.AsSpan(0, written);
    }

    private static int Hex(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
