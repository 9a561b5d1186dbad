namespace Detector.Domain;

/// <summary>
/// The effective baseline at one recompute, floors already applied. Rates are requests per second.
/// Mean/Std: site-wide per-second counts. Std60: spread of 60 s average rates (aligned minutes), what a
/// 60 s global rate is compared with. IpMean/IpStd: the population of per-IP 60 s rates.
/// </summary>
public sealed record BaselineSnapshot(
    long ComputedAtSecond,
    double Mean,
    double Std,
    double Std60,
    double ErrorRate,
    double IpMean,
    double IpStd,
    int Points,
    string Slot,
    bool Warm);
