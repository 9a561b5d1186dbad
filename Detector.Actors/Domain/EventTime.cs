namespace Detector.Domain;

/// <summary>Calendar arithmetic on Unix seconds of event time (UTC), correct for negative values too.</summary>
internal static class EventTime
{
    public const int SecondsPerMinute = 60;
    public const int SecondsPerHour = 3600;
    public const int SecondsPerDay = 86400;

    public static long FloorDiv(long value, long divisor)
    {
        var quotient = value / divisor;
        return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient;
    }

    public static int FloorMod(long value, int divisor)
    {
        var remainder = (int)(value % divisor);
        return remainder < 0 ? remainder + divisor : remainder;
    }

    public static long MinuteOf(long second) => FloorDiv(second, SecondsPerMinute);
    public static long DayOf(long second) => FloorDiv(second, SecondsPerDay);
    public static int HourOfDay(long second) => FloorMod(FloorDiv(second, SecondsPerHour), 24);
}
