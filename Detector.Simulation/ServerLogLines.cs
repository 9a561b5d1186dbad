using System.Globalization;
using System.Text;
using System.Text.Json;
using Detector.Configuration;
using Detector.Domain;

namespace Detector.Simulation;

/// <summary>
/// One entry written as each supported server writes its log line (the documented shapes the parser reads): for the
/// per-format parse benchmark and for tests that replay the same traffic in several formats. Referer is "-"; times
/// in UTC (combined formats with whole seconds, as the servers write them).
/// </summary>
public static class ServerLogLines
{
    private const string Host = "cloud.example.com";

    public static string Write(AccessLogEntry e, LogFormat format) => format switch
    {
        LogFormat.Combined => Combined(e),
        LogFormat.VhostCombined => $"{Host}:443 {ApacheCombined(e)}",
        LogFormat.TraefikClf => $"{TraefikCombined(e)} 1 \"nextcloud@docker\" \"http://172.18.0.3:80\" 3ms",
        LogFormat.CaddyJson => Caddy(e),
        LogFormat.TraefikJson => TraefikJson(e),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "the JSON-lines format is the generator's own"),
    };

    /// <summary>Nginx <c>combined</c>: <c>"</c> and <c>\</c> as <c>\x22</c>, <c>\x5C</c>.</summary>
    private static string Combined(AccessLogEntry e)
    {
        static string Escape(string s) => s.Replace("\\", "\\x5C", StringComparison.Ordinal).Replace("\"", "\\x22", StringComparison.Ordinal);
        return $"{e.Ip} - - [{LocalTime(e)}] \"{e.Method} {Escape(e.Path)} HTTP/1.1\" {e.Status} {e.Bytes} \"-\" \"{Escape(e.UserAgent)}\"";
    }

    /// <summary>Apache <c>combined</c>: <c>\"</c>, <c>\\</c>; <c>-</c> for no body.</summary>
    private static string ApacheCombined(AccessLogEntry e)
    {
        static string Escape(string s) => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
        var bytes = e.Bytes == 0 ? "-" : e.Bytes.ToString(CultureInfo.InvariantCulture);
        return $"{e.Ip} - - [{LocalTime(e)}] \"{e.Method} {Escape(e.Path)} HTTP/1.1\" {e.Status} {bytes} \"-\" \"{Escape(e.UserAgent)}\"";
    }

    /// <summary>Traefik CLF quotes referer and agent with Go's %q; the request line is raw.</summary>
    private static string TraefikCombined(AccessLogEntry e)
    {
        static string Quote(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
        return $"{e.Ip} - - [{LocalTime(e)}] \"{e.Method} {e.Path} HTTP/2.0\" {e.Status} {e.Bytes} \"-\" {Quote(e.UserAgent)}";
    }

    private static string LocalTime(AccessLogEntry e) =>
        DateTimeOffset.FromUnixTimeMilliseconds(e.TimeMs).ToString("dd/MMM/yyyy:HH:mm:ss +0000", CultureInfo.InvariantCulture);

    private static string Caddy(AccessLogEntry e) => Json(w =>
    {
        w.WriteString("level", "info");
        w.WriteNumber("ts", e.TimeMs / 1000.0);
        w.WriteString("logger", "http.log.access.log0");
        w.WriteString("msg", "handled request");
        w.WriteStartObject("request");
        w.WriteString("remote_ip", e.Ip.ToString());
        w.WriteString("remote_port", "51234");
        w.WriteString("proto", "HTTP/2.0");
        w.WriteString("method", e.Method);
        w.WriteString("host", Host);
        w.WriteString("uri", e.Path);
        w.WriteStartObject("headers");
        w.WriteStartArray("User-Agent");
        w.WriteStringValue(e.UserAgent);
        w.WriteEndArray();
        w.WriteStartArray("Accept");
        w.WriteStringValue("*/*");
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteNumber("bytes_read", 0);
        w.WriteString("user_id", "");
        w.WriteNumber("duration", 0.0021);
        w.WriteNumber("size", e.Bytes);
        w.WriteNumber("status", e.Status);
        w.WriteStartObject("resp_headers");
        w.WriteStartArray("Server");
        w.WriteStringValue("Caddy");
        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static string TraefikJson(AccessLogEntry e) => Json(w =>
    {
        var start = DateTimeOffset.FromUnixTimeMilliseconds(e.TimeMs);
        w.WriteString("ClientAddr", e.Ip.IsV4 ? $"{e.Ip}:51234" : $"[{e.Ip}]:51234");
        w.WriteString("ClientHost", e.Ip.ToString());
        w.WriteString("ClientPort", "51234");
        w.WriteString("ClientUsername", "-");
        w.WriteNumber("DownstreamContentSize", e.Bytes);
        w.WriteNumber("DownstreamStatus", e.Status);
        w.WriteNumber("Duration", 2841230);
        w.WriteNumber("OriginContentSize", e.Bytes);
        w.WriteNumber("OriginStatus", e.Status);
        w.WriteString("RequestHost", Host);
        w.WriteString("RequestMethod", e.Method);
        w.WriteString("RequestPath", e.Path);
        w.WriteString("RequestProtocol", "HTTP/2.0");
        w.WriteString("RouterName", "nextcloud@docker");
        w.WriteString("StartUTC", start.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
        w.WriteString("level", "info");
        w.WriteString("msg", "");
        w.WriteString("request_User-Agent", e.UserAgent);
        w.WriteString("time", start.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
    });

    private static string Json(Action<Utf8JsonWriter> body)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
