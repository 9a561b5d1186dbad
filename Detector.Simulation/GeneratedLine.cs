using Detector.Ingest;
using Detector.Domain;

namespace Detector.Simulation;

/// <summary>One synthetic access-log line.</summary>
/// <param name="TimeMs">Event time, Unix milliseconds (the line's <c>msec</c>).</param>
/// <param name="Ip">The client that made the request.</param>
/// <param name="Json">The line as Nginx writes it, without the trailing newline.</param>
/// <param name="Attacker">True for lines from an injected attack (flood, spraying, scanning).</param>
public sealed record GeneratedLine(long TimeMs, IpKey Ip, string Json, bool Attacker);
