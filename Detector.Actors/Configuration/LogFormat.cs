using System.ComponentModel;

namespace Detector.Configuration;

/// <summary>
/// The shape of a log file's lines. <see cref="Auto"/> means "detect it per file from its first line that parses";
/// any other value is an explicit <c>Detector:Log:Format</c> and is used for every file.
/// </summary>
[TypeConverter(typeof(LogFormatConverter))]
public enum LogFormat
{
    Auto,
    /// <summary>One JSON object per line with flat fields (the shipped Nginx <c>detector_json</c> format and lookalikes).</summary>
    Json,
    /// <summary>
    /// NCSA combined as Nginx (<c>combined</c>, <c>main</c>) and Apache (<c>combined</c>, <c>common</c>) write it, and the
    /// variants that append fields after the user agent: the two servers' formats are the same text.
    /// </summary>
    Combined,
    /// <summary>Apache <c>vhost_combined</c>: <c>%v:%p</c> in front of combined.</summary>
    VhostCombined,
    /// <summary>Caddy's JSON access log: nested <c>request</c> object, <c>ts</c> as float epoch seconds.</summary>
    CaddyJson,
    /// <summary>Traefik's JSON access log (<c>ClientHost</c>, <c>StartUTC</c>, <c>DownstreamStatus</c>, …).</summary>
    TraefikJson,
    /// <summary>Traefik's default common log format: combined plus request count, router, server URL and duration.</summary>
    TraefikClf,
}

public static class LogFormatNames
{
    /// <summary>The name shown by <c>doctor</c> and the replay summary, and accepted by <c>Detector:Log:Format</c>.</summary>
    public static string Name(this LogFormat format) => format switch
    {
        LogFormat.Auto => "auto",
        LogFormat.Json => "json",
        LogFormat.Combined => "combined",
        LogFormat.VhostCombined => "vhost_combined",
        LogFormat.CaddyJson => "caddy",
        LogFormat.TraefikJson => "traefik_json",
        LogFormat.TraefikClf => "traefik_clf",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>What a format is, in the words of the server that writes it.</summary>
    public static string Describe(this LogFormat format) => format switch
    {
        LogFormat.Json => "JSON lines (Nginx detector_json or similar)",
        LogFormat.Combined => "combined (Nginx or Apache; appended fields ignored)",
        LogFormat.VhostCombined => "Apache vhost_combined",
        LogFormat.CaddyJson => "Caddy JSON access log",
        LogFormat.TraefikJson => "Traefik JSON access log",
        LogFormat.TraefikClf => "Traefik common log format",
        _ => format.Name(),
    };

    /// <summary>Reads a configured name (case-insensitive; <c>-</c> and <c>_</c> alike; server names as aliases).</summary>
    public static bool TryParse(string? text, out LogFormat format)
    {
        format = (text ?? "").Trim().ToLowerInvariant().Replace('-', '_') switch
        {
            "" or "auto" => LogFormat.Auto,
            "json" or "json_lines" or "nginx_json" or "detector_json" => LogFormat.Json,
            "combined" or "common" or "nginx" or "nginx_combined" or "apache" or "apache_combined" => LogFormat.Combined,
            "vhost_combined" or "apache_vhost_combined" => LogFormat.VhostCombined,
            "caddy" or "caddy_json" => LogFormat.CaddyJson,
            "traefik_json" => LogFormat.TraefikJson,
            "traefik" or "traefik_clf" or "traefik_common" => LogFormat.TraefikClf,
            _ => (LogFormat)(-1),
        };
        return format >= 0;
    }

    public const string Accepted = "auto, json, combined (nginx, apache), vhost_combined, caddy, traefik_json, traefik_clf";

    /// <exception cref="FormatException">Not a format name; the message lists the names.</exception>
    public static LogFormat Parse(string text) =>
        TryParse(text, out var format) ? format : throw new FormatException($"'{text}' is not a log format ({Accepted}).");
}

/// <summary>Lets the configuration binder read <see cref="LogFormat"/> by its configuration names.</summary>
public sealed class LogFormatConverter() : NamedEnumConverter<LogFormat>(LogFormatNames.Parse, LogFormatNames.Name);
