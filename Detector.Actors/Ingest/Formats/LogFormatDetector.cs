using Detector.Ingest.Parsing;

using Detector.Configuration;

namespace Detector.Ingest.Formats;

/// <summary>
/// Guesses a line's format from its shape, cheaply: JSON objects by the names only one producer writes, text lines by
/// whether the first field is an address (combined, Traefik CLF) or <c>host:port</c> before one (vhost_combined). The
/// guess is only a candidate: <see cref="LogParser"/> fixes a file's format once a line parses under it.
/// Anything that looks like no text format is a JSON candidate, so its reason is the JSON parser's (invalid_json, …).
/// </summary>
internal static class LogFormatDetector
{
    public static LogFormat Candidate(ReadOnlySpan<byte> line)
    {
        var json = JsonText.Trim(line);
        if (!json.IsEmpty && json[0] == '{')
        {
            if (json.IndexOf("\"ClientHost\""u8) >= 0 || json.IndexOf("\"DownstreamStatus\""u8) >= 0) return LogFormat.TraefikJson;
            if (json.IndexOf("\"request\":{"u8) >= 0 || json.IndexOf("\"logger\":\"http.log.access"u8) >= 0) return LogFormat.CaddyJson;
            return LogFormat.Json;
        }

        var space = line.IndexOf((byte)' ');
        if (space <= 0) return LogFormat.Json;
        var first = line[..space];
        if (ClientAddress.TryParse(first, out _) || first.SequenceEqual("-"u8))
            return LooksLikeTraefikTail(line) ? LogFormat.TraefikClf : LogFormat.Combined;

        var secondEnd = line[(space + 1)..].IndexOf((byte)' ');
        if (first.IndexOf((byte)':') > 0 && secondEnd > 0 && ClientAddress.TryParse(line.Slice(space + 1, secondEnd), out _))
            return LogFormat.VhostCombined;
        return LogFormat.Json;
    }

    /// <summary>Traefik ends its CLF lines with the duration, <c>…" 12ms</c>.</summary>
    private static bool LooksLikeTraefikTail(ReadOnlySpan<byte> line)
    {
        if (!line.EndsWith("ms"u8)) return false;
        var space = line.LastIndexOf((byte)' ');
        if (space < 1 || line[space - 1] != '"') return false;
        var digits = line[(space + 1)..^2];
        return !digits.IsEmpty && Utf8Numbers.TryParseNonNegative(digits, out _);
    }
}
