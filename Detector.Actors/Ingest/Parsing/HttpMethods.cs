namespace Detector.Ingest.Parsing;

/// <summary>The verbs Nginx commonly logs (HTTP and WebDAV), returned as shared strings without allocating.</summary>
internal static class HttpMethods
{
    /// <summary>The shared string for a known verb (exact, case-sensitive as HTTP is), else null.</summary>
    public static string? Known(ReadOnlySpan<byte> method) => method.Length switch
    {
        3 when method.SequenceEqual("GET"u8) => "GET",
        3 when method.SequenceEqual("PUT"u8) => "PUT",
        4 when method.SequenceEqual("POST"u8) => "POST",
        4 when method.SequenceEqual("HEAD"u8) => "HEAD",
        4 when method.SequenceEqual("COPY"u8) => "COPY",
        4 when method.SequenceEqual("MOVE"u8) => "MOVE",
        4 when method.SequenceEqual("LOCK"u8) => "LOCK",
        5 when method.SequenceEqual("PATCH"u8) => "PATCH",
        5 when method.SequenceEqual("MKCOL"u8) => "MKCOL",
        6 when method.SequenceEqual("DELETE"u8) => "DELETE",
        6 when method.SequenceEqual("UNLOCK"u8) => "UNLOCK",
        6 when method.SequenceEqual("REPORT"u8) => "REPORT",
        6 when method.SequenceEqual("SEARCH"u8) => "SEARCH",
        7 when method.SequenceEqual("OPTIONS"u8) => "OPTIONS",
        8 when method.SequenceEqual("PROPFIND"u8) => "PROPFIND",
        9 when method.SequenceEqual("PROPPATCH"u8) => "PROPPATCH",
        _ => null,
    };
}
