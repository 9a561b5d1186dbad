namespace Detector.Domain;

/// <summary>What real Nextcloud clients send: WebDAV (files, calendars, contacts) and the OCS API.</summary>
public static class ClientMix
{
    public static bool IsAppRequest(string method, string path) =>
        path.StartsWith("/remote.php/", StringComparison.Ordinal)
        || path.StartsWith("/ocs/", StringComparison.Ordinal)
        || path.StartsWith("/status.php", StringComparison.Ordinal)
        || method is "PROPFIND" or "REPORT" or "PROPPATCH" or "MKCOL" or "MOVE" or "COPY" or "LOCK" or "UNLOCK";
}
