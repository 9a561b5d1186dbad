namespace Detector.Domain;

/// <summary>One parsed access-log line. Time is Unix milliseconds (UTC) as logged.</summary>
public readonly record struct AccessLogEntry(
    IpKey Ip,
    long TimeMs,
    string Method,
    string Path,
    int Status,
    long Bytes,
    string UserAgent)
{
    public bool IsError => Status >= 400;
}
