using Detector.Baseline;
using Detector.Domain;

namespace Detector.Tests.Detection;

internal static class Baselines
{
    public static BaselineSnapshot Ip(double ipMean, double ipStd, double errorRate = 0.02) =>
        new(0, Mean: 10, Std: 3, Std60: 1, errorRate, ipMean, ipStd, Points: 1800, Slot: "14h", Warm: true);

    public static BaselineSnapshot Global(double mean, double std60, bool warm = true) =>
        new(0, mean, Std: std60 * 3, std60, ErrorRate: 0.02, IpMean: 1, IpStd: 2, Points: 1800, Slot: "14h", Warm: warm);
}
