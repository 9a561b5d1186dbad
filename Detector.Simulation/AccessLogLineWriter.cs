using System.Buffers;
using System.Globalization;
using System.Text;

namespace Detector.Simulation;

/// <summary>
/// Formats requests as <see cref="NginxLogFormat"/> lines, escaping values the way Nginx's
/// <c>escape=json</c> does. Reuses one buffer and caches the per-second timestamp text, so it is
/// not thread-safe: one writer per enumeration.
/// </summary>
internal sealed class AccessLogLineWriter(TimeSpan utcOffset, string host)
{
    private static readonly SearchValues<char> NeedsEscape = SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000A\u000B\u000C\u000D\u000E\u000F" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F");

    private readonly StringBuilder _line = new(512);
    private long _cachedSecond = long.MinValue;
    private string _cachedIso = "";
    private string _cachedEpochSeconds = "";

    public string Format(long timeMs, string ip, in SimulatedRequest request)
    {
        var second = Math.DivRem(timeMs, 1000, out var millis);
        if (millis < 0) { second--; millis += 1000; }
        if (second != _cachedSecond)
        {
            _cachedSecond = second;
            _cachedIso = DateTimeOffset.FromUnixTimeSeconds(second).ToOffset(utcOffset)
                .ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
            _cachedEpochSeconds = second.ToString(CultureInfo.InvariantCulture);
        }

        var b = _line.Clear();
        b.Append("{\"time_iso8601\":\"").Append(_cachedIso);
        b.Append("\",\"msec\":\"").Append(_cachedEpochSeconds).Append('.').Append(((int)millis).ToString("D3", CultureInfo.InvariantCulture));
        b.Append("\",\"remote_addr\":\""); AppendEscaped(b, ip);
        b.Append("\",\"request_method\":\""); AppendEscaped(b, request.Method);
        b.Append("\",\"request_uri\":\""); AppendEscaped(b, request.Uri);
        b.Append("\",\"status\":\"").Append(request.Status);
        b.Append("\",\"body_bytes_sent\":\"").Append(request.BodyBytes);
        b.Append("\",\"request_time\":\"").Append(request.RequestTimeMs / 1000).Append('.')
            .Append((request.RequestTimeMs % 1000).ToString("D3", CultureInfo.InvariantCulture));
        b.Append("\",\"http_user_agent\":\""); AppendEscaped(b, request.UserAgent);
        b.Append("\",\"http_referer\":\""); AppendEscaped(b, request.Referer);
        b.Append("\",\"host\":\""); AppendEscaped(b, host);
        b.Append("\",\"server_protocol\":\""); AppendEscaped(b, request.Protocol);
        b.Append("\"}");
        return b.ToString();
    }

    /// <summary>Nginx escape=json: quote, backslash and control characters; everything else verbatim.</summary>
    internal static void AppendEscaped(StringBuilder b, string value)
    {
        if (value.AsSpan().IndexOfAny(NeedsEscape) < 0)
        {
            b.Append(value);
            return;
        }
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': b.Append("\\\""); break;
                case '\\': b.Append("\\\\"); break;
                case '\n': b.Append("\\n"); break;
                case '\r': b.Append("\\r"); break;
                case '\t': b.Append("\\t"); break;
                case '\b': b.Append("\\b"); break;
                case '\f': b.Append("\\f"); break;
                default:
                    if (c < 0x20) b.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    else b.Append(c);
                    break;
            }
        }
    }
}
