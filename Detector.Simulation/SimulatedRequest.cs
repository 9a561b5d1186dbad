namespace Detector.Simulation;

/// <summary>What one simulated client asked for and what the server answered; time is added by the source.</summary>
internal readonly record struct SimulatedRequest(
    string Method,
    string Uri,
    int Status,
    long BodyBytes,
    int RequestTimeMs,
    string UserAgent,
    string Referer,
    string Protocol);
