namespace Detector.Tests.Support;

/// <summary>Waits for an outcome of real I/O (a file, a process) with a deadline; not a timer substitute.</summary>
public static class Eventually
{
    public static async Task<T> Until<T>(Func<T?> probe, TimeSpan timeout, string what) where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = probe();
            if (value is not null) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out after {timeout.TotalSeconds:F0} s waiting for {what}.");
            await Task.Delay(25);
        }
    }

    /// <summary>Like <see cref="Until{T}"/> for an asynchronous probe (an HTTP call).</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what) where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await probe();
            if (value is not null) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out after {timeout.TotalSeconds:F0} s waiting for {what}.");
            await Task.Delay(50);
        }
    }

    public static Task True(Func<bool> probe, TimeSpan timeout, string what) =>
        Until(() => probe() ? "" : null, timeout, what);
}
