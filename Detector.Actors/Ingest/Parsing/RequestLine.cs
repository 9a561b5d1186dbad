namespace Detector.Ingest.Parsing;

/// <summary>Splits Nginx <c>$request</c> ("GET /index.php HTTP/1.1") into method and target.</summary>
internal static class RequestLine
{
    /// <summary>
    /// Method is the text before the first space; the target runs to the last space before an
    /// "HTTP/" protocol token (or to the end when there is none, as in HTTP/0.9 or garbage).
    /// Either part may come back empty.
    /// </summary>
    public static void Split(ReadOnlySpan<byte> request, out ReadOnlySpan<byte> method, out ReadOnlySpan<byte> target)
    {
        request = request.Trim((byte)' ');
        var firstSpace = request.IndexOf((byte)' ');
        if (firstSpace < 0)
        {
            method = request;
            target = default;
            return;
        }
        method = request[..firstSpace];
        target = request[(firstSpace + 1)..].TrimStart((byte)' ');
        var lastSpace = target.LastIndexOf((byte)' ');
        if (lastSpace >= 0 && target[(lastSpace + 1)..].StartsWith("HTTP/"u8))
            target = target[..lastSpace].TrimEnd((byte)' ');
    }
}
