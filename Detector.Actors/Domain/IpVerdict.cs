using Detector.Ingest;

namespace Detector.Domain;

/// <summary>A per-IP anomaly: the rule that fired and the figures it compared. Rate in req/s over the window.</summary>
public sealed record IpVerdict(IpKey Ip, long Second, string Condition, double Rate, double Mean, double Std);

/// <summary>A site-wide anomaly, raised once per episode.</summary>
public sealed record GlobalAlert(long Second, string Condition, double Rate, double Mean, double Std);
