namespace Detector.Tests.Support;

/// <summary>
/// An attacker against a daemon that follows its log from the end: bursts of lines stamped with the current time are
/// appended until the outcome shows (bounded). One burst written right after start-up can land before the tail has
/// opened the file, and a daemon that starts at the end never sees it.
/// </summary>
public static class FloodWriter
{
    private const int LinesPerBurst = 300;
    private static readonly TimeSpan BurstEvery = TimeSpan.FromMilliseconds(300);

    public static async Task<T> AppendUntilAsync<T>(string log, Func<DateTimeOffset, int, string> line, Func<T?> outcome,
        TimeSpan timeout, string what) where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var now = DateTimeOffset.UtcNow;
            await File.AppendAllLinesAsync(log, Enumerable.Range(0, LinesPerBurst).Select(i => line(now, i)));
            var nextBurst = DateTime.UtcNow + BurstEvery;
            while (DateTime.UtcNow < nextBurst)
            {
                if (outcome() is { } value) return value;
                await Task.Delay(25);
            }
        }
        throw new TimeoutException($"Timed out after {timeout.TotalSeconds:F0} s of flooding waiting for {what}.");
    }
}
