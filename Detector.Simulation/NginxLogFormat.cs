namespace Detector.Simulation;

/// <summary>
/// The Nginx JSON access-log format the project recommends (and the generator writes): these
/// variables, in this order, each logged as a JSON string by <c>escape=json</c>.
/// </summary>
public static class NginxLogFormat
{
    public const string Name = "detector_json";

    /// <summary>Field names in the order they appear on every line.</summary>
    public static readonly IReadOnlyList<string> Fields =
    [
        "time_iso8601",
        "msec",
        "remote_addr",
        "request_method",
        "request_uri",
        "status",
        "body_bytes_sent",
        "request_time",
        "http_user_agent",
        "http_referer",
        "host",
        "server_protocol",
    ];

    /// <summary>The <c>log_format</c> directive for nginx.conf's http block, built from <see cref="Fields"/>.</summary>
    public static string Directive =>
        $"log_format {Name} escape=json '{{'\n" +
        string.Join(",'\n", Fields.Select(f => $"  '\"{f}\":\"${f}\"")) +
        "'\n  '}';";
}
