namespace Detector.Tests.Ingest;

public class LogParserTimeTests
{
    private static long TimeOf(string timeField) =>
        new LogParserFixture().ParseGood($$"""{"ip":"192.0.2.1",{{timeField}},"status":200}""").TimeMs;

    private static readonly long At142429 = LogParserFixture.UnixMs(2026, 4, 29, 14, 24, 29);

    [Theory]
    [InlineData("2026-04-29T14:24:29Z")]
    [InlineData("2026-04-29T14:24:29z")]
    [InlineData("2026-04-29T14:24:29+00:00")]
    [InlineData("2026-04-29T16:24:29+02:00")]
    [InlineData("2026-04-29T16:24:29+0200")]
    [InlineData("2026-04-29T09:54:29-04:30")]
    [InlineData("2026-04-30T00:24:29+10:00")]
    [InlineData("2026-04-28T23:24:29-15:00")]
    [InlineData("2026-04-29 14:24:29Z")]
    public void Iso8601_offsets_are_converted_to_utc(string iso)
    {
        Assert.Equal(At142429, TimeOf($"\"time_iso8601\":\"{iso}\""));
    }

    [Theory]
    [InlineData("2026-04-29T14:24:29.5Z", 500)]
    [InlineData("2026-04-29T14:24:29.123Z", 123)]
    [InlineData("2026-04-29T14:24:29.123456789Z", 123)]
    [InlineData("2026-04-29T16:24:29.042+02:00", 42)]
    public void Iso8601_fractional_seconds_keep_milliseconds(string iso, int ms)
    {
        Assert.Equal(At142429 + ms, TimeOf($"\"timestamp\":\"{iso}\""));
    }

    [Theory]
    [InlineData("29/Apr/2026:14:24:29 +0000")]
    [InlineData("29/Apr/2026:16:24:29 +0200")]
    [InlineData("29/Apr/2026:07:24:29 -0700")]
    public void Nginx_time_local_is_converted_to_utc(string local)
    {
        Assert.Equal(At142429, TimeOf($"\"time_local\":\"{local}\""));
    }

    [Fact]
    public void Nginx_time_local_month_names_all_parse()
    {
        string[] months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
        for (var m = 0; m < 12; m++)
            Assert.Equal(LogParserFixture.UnixMs(2026, m + 1, 1, 0, 0, 0), TimeOf($"\"time_local\":\"01/{months[m]}/2026:00:00:00 +0000\""));
    }

    [Theory]
    [InlineData("\"msec\":\"1777472669.123\"", 123)]
    [InlineData("\"msec\":1777472669.123", 123)]
    [InlineData("\"msec\":\"1777472669.1\"", 100)]
    [InlineData("\"msec\":\"1777472669.999999\"", 999)]
    [InlineData("\"timestamp\":1777472669.25", 250)]
    [InlineData("\"timestamp\":\"1777472669.007\"", 7)]
    [InlineData("\"timestamp\":1.777472669123E9", 123)]
    [InlineData("\"timestamp\":1777472669123", 123)]
    public void Epoch_seconds_keep_millisecond_precision(string field, int ms)
    {
        Assert.Equal(At142429 + ms, TimeOf(field));
    }

    [Fact]
    public void Msec_is_preferred_over_a_coarser_iso_time_in_either_order()
    {
        Assert.Equal(At142429 + 456, TimeOf("\"time_iso8601\":\"2026-04-29T16:24:29+02:00\",\"msec\":\"1777472669.456\""));
        Assert.Equal(At142429 + 456, TimeOf("\"msec\":\"1777472669.456\",\"time_iso8601\":\"2026-04-29T16:24:29+02:00\""));
    }

    [Fact]
    public void An_unusable_msec_falls_back_to_the_iso_time()
    {
        Assert.Equal(At142429, TimeOf("\"msec\":\"-\",\"time_iso8601\":\"2026-04-29T14:24:29Z\""));
        Assert.Equal(At142429, TimeOf("\"msec\":\"soon\",\"time_iso8601\":\"2026-04-29T14:24:29Z\""));
    }

    [Fact]
    public void Leap_day_and_year_boundaries_are_exact()
    {
        Assert.Equal(LogParserFixture.UnixMs(2028, 2, 29, 23, 59, 59), TimeOf("\"time\":\"2028-02-29T23:59:59Z\""));
        Assert.Equal(LogParserFixture.UnixMs(2027, 1, 1, 0, 30, 0), TimeOf("\"time\":\"2026-12-31T23:30:00-01:00\""));
    }
}
