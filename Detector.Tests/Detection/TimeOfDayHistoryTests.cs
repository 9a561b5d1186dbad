using Detector.Detection;
using Detector.Domain;

namespace Detector.Tests.Detection;

public class TimeOfDayHistoryTests
{
    // Monday 2026-05-04 00:00 UTC.
    private static readonly long Monday = new DateTimeOffset(2026, 5, 4, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
    private const int Day = EventTime.SecondsPerDay;

    /// <summary>Learns every minute of [from, from + minutes) with <paramref name="value"/> for the one measure.</summary>
    private static void LearnMinutes(TimeOfDayHistory history, long from, int minutes, long value)
    {
        for (var i = 0; i < minutes; i++) history.Learn(from + i * 60L, [value]);
    }

    private static double? Predict(TimeOfDayHistory history, long second)
    {
        Span<double> perMinute = stackalloc double[1];
        return history.Predict(second, perMinute) ? perMinute[0] : null;
    }

    private static long At(int day, int hour, int minute = 0) => Monday + day * (long)Day + hour * 3600L + minute * 60L;

    [Fact]
    public void Predicts_only_once_enough_earlier_days_have_data_at_that_time()
    {
        var history = new TimeOfDayHistory(days: 7, minDays: 3, measures: 1);
        for (var day = 0; day < 2; day++) LearnMinutes(history, At(day, 8), 15, 600);
        Assert.Null(Predict(history, At(3, 8, 5)));

        LearnMinutes(history, At(2, 8), 15, 600);
        Assert.Equal(600, Predict(history, At(3, 8, 5)));
    }

    [Fact]
    public void Today_teaches_nothing_about_today()
    {
        var history = new TimeOfDayHistory(days: 7, minDays: 1, measures: 1);
        LearnMinutes(history, At(0, 8), 15, 600);

        Assert.Null(Predict(history, At(0, 8, 14)));
        Assert.Equal(600, Predict(history, At(1, 8, 14)));
    }

    [Fact]
    public void The_median_over_days_is_not_moved_by_one_odd_day()
    {
        var history = new TimeOfDayHistory(days: 7, minDays: 3, measures: 1);
        LearnMinutes(history, At(0, 8), 15, 600);
        LearnMinutes(history, At(1, 8), 15, 30_000); // an attack on Tuesday at 08:00
        LearnMinutes(history, At(2, 8), 15, 660);

        Assert.Equal(660, Predict(history, At(3, 8)));
    }

    [Fact]
    public void A_neighbouring_quarter_hour_counts_so_a_start_a_little_earlier_is_the_same_morning()
    {
        var history = new TimeOfDayHistory(days: 7, minDays: 2, measures: 1);
        for (var day = 0; day < 2; day++)
        {
            LearnMinutes(history, At(day, 7, 45), 15, 60);
            LearnMinutes(history, At(day, 8), 15, 1200);
        }

        Assert.Equal(1200, Predict(history, At(2, 7, 50))); // 07:45 and its neighbour 08:00
        Assert.Null(Predict(history, At(2, 7, 20))); // 07:15: its neighbours 07:00 and 07:30 saw nothing
    }

    [Fact]
    public void Weekdays_predict_weekdays_and_weekends_weekends_when_there_are_enough_of_each()
    {
        var history = new TimeOfDayHistory(days: 14, minDays: 2, measures: 1);
        for (var day = 0; day < 7; day++) // Monday to Sunday
            LearnMinutes(history, At(day, 10), 15, TimeOfDayHistory.IsWeekend(EventTime.DayOf(At(day, 10))) ? 100 : 1000);

        Assert.Equal(1000, Predict(history, At(7, 10))); // the next Monday
        Assert.Equal(100, Predict(history, At(12, 10))); // the next Saturday
    }

    [Fact]
    public void Days_older_than_the_history_are_forgotten()
    {
        var history = new TimeOfDayHistory(days: 3, minDays: 1, measures: 1);
        LearnMinutes(history, At(0, 8), 15, 600);

        Assert.Equal(600, Predict(history, At(3, 8)));
        Assert.Null(Predict(history, At(4, 8)));
    }

    [Fact]
    public void Thin_quarter_hours_say_nothing_and_no_history_never_predicts()
    {
        var history = new TimeOfDayHistory(days: 7, minDays: 1, measures: 1);
        LearnMinutes(history, At(0, 8), TimeOfDayHistory.MinMinutesPerSlot - 1, 600);
        Assert.Null(Predict(history, At(1, 8)));

        var none = new TimeOfDayHistory(days: 0, minDays: 1, measures: 1);
        LearnMinutes(none, At(0, 8), 15, 600);
        Assert.Null(Predict(none, At(1, 8)));
    }

    [Fact]
    public void Monday_2026_05_04_is_a_weekday_and_the_following_Saturday_a_weekend_day()
    {
        Assert.False(TimeOfDayHistory.IsWeekend(EventTime.DayOf(Monday)));
        Assert.True(TimeOfDayHistory.IsWeekend(EventTime.DayOf(Monday) + 5));
        Assert.True(TimeOfDayHistory.IsWeekend(EventTime.DayOf(Monday) + 6));
        Assert.False(TimeOfDayHistory.IsWeekend(EventTime.DayOf(Monday) + 7));
    }
}
