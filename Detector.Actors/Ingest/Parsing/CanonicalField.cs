namespace Detector.Ingest.Parsing;

/// <summary>What a log field means to the parser, whatever the log format calls it.</summary>
internal enum CanonicalField : byte
{
    None,
    Ip,
    Time,
    Msec,
    Method,
    Path,
    Status,
    Bytes,
    UserAgent,
    /// <summary>Nginx <c>$request</c> ("GET /x HTTP/1.1"), split when method and path are absent.</summary>
    Request,
}

internal static class CanonicalFieldNames
{
    /// <summary>Names accepted as the target of <c>LogOptions.FieldMap</c>; "ignore" drops a field, even a default one.</summary>
    public static bool TryParse(string? name, out CanonicalField field)
    {
        field = (name ?? "").Trim().ToLowerInvariant() switch
        {
            "ip" => CanonicalField.Ip,
            "time" => CanonicalField.Time,
            "msec" => CanonicalField.Msec,
            "method" => CanonicalField.Method,
            "path" => CanonicalField.Path,
            "status" => CanonicalField.Status,
            "bytes" => CanonicalField.Bytes,
            "user_agent" or "useragent" => CanonicalField.UserAgent,
            "request" => CanonicalField.Request,
            "ignore" or "none" or "" => CanonicalField.None,
            _ => (CanonicalField)255,
        };
        return field != (CanonicalField)255;
    }
}
