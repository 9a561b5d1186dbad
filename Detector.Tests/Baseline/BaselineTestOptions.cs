using Detector.Configuration;

namespace Detector.Tests.Baseline;

internal static class BaselineTestOptions
{
    /// <summary>No floors, no slots, warm from the first learned second: the model's raw statistics.</summary>
    public static (BaselineOptions, DetectionOptions) Raw(int historyMinutes = 30) =>
        (new BaselineOptions
        {
            HistoryMinutes = historyMinutes,
            MinHistorySeconds = 1,
            SlotMinSeconds = int.MaxValue,
            ErrorRateFloor = 0,
        },
        new DetectionOptions { GlobalMeanFloor = 0, GlobalStdFloor = 0, IpMeanFloor = 0, IpStdFloor = 0 });

    public static (BaselineOptions, DetectionOptions) Defaults() => (new BaselineOptions(), new DetectionOptions());

    public static void Close(double expected, double actual, string what, int seed)
    {
        var tolerance = 1e-9 * Math.Max(1, Math.Abs(expected));
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"seed {seed}: {what} expected {expected:R}, got {actual:R}");
    }
}
