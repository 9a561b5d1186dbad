using Detector.Enforcement;

namespace Detector.Tests.Enforcement;

public class BanLadderTests
{
    [Fact]
    public void Default_ladder_is_ten_minutes_thirty_minutes_two_hours_then_permanent()
    {
        var ladder = BanLadder.Parse(["10m", "30m", "2h", "permanent"]);

        Assert.Equal([TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), null], ladder.Steps);
        Assert.Equal(ladder.Steps, BanLadder.Default.Steps);
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("10m", 600)]
    [InlineData("2h", 7200)]
    [InlineData("1d", 86400)]
    [InlineData("1.5h", 5400)]
    [InlineData("2H", 7200)]
    [InlineData(" 10m ", 600)]
    [InlineData("00:10:00", 600)]
    [InlineData("1.00:00:00", 86400)]
    public void Parses_unit_suffixes_and_TimeSpan_text(string step, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), BanLadder.Parse([step]).Steps.Single());
    }

    [Theory]
    [InlineData("permanent")]
    [InlineData("PERMANENT")]
    [InlineData("Permanent")]
    public void Permanent_is_case_insensitive(string step)
    {
        Assert.Null(BanLadder.Parse(["10m", step]).DurationFor(2));
    }

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("10x")]
    [InlineData("m")]
    [InlineData("ten minutes")]
    [InlineData("-5m")]
    [InlineData("0m")]
    [InlineData("00:00:00")]
    [InlineData("25:99:00")]
    [InlineData("forever")]
    public void Bad_step_is_rejected_with_its_position_and_text(string step)
    {
        var error = Assert.Throws<FormatException>(() => BanLadder.Parse(["10m", step]));

        Assert.Contains("step 2", error.Message);
        Assert.Contains($"'{step}'", error.Message);
    }

    [Fact]
    public void Empty_ladder_is_rejected()
    {
        var error = Assert.Throws<FormatException>(() => BanLadder.Parse([]));

        Assert.Contains("empty", error.Message);
    }

    [Fact]
    public void Permanent_may_only_be_the_last_step()
    {
        var error = Assert.Throws<FormatException>(() => BanLadder.Parse(["10m", "permanent", "2h"]));

        Assert.Contains("step 2", error.Message);
        Assert.Contains("last", error.Message);
    }

    [Fact]
    public void Offences_past_the_end_get_the_last_step()
    {
        var finite = BanLadder.Parse(["10m", "1h"]);

        Assert.Equal(TimeSpan.FromHours(1), finite.DurationFor(3));
        Assert.Equal(TimeSpan.FromHours(1), finite.DurationFor(1000));
        Assert.Null(BanLadder.Default.DurationFor(17));
    }

    [Fact]
    public void Offence_numbers_start_at_one()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BanLadder.Default.DurationFor(0));
    }

    [Fact]
    public void Longest_finite_step_ignores_permanent()
    {
        Assert.Equal(TimeSpan.FromHours(2), BanLadder.Default.LongestFinite);
        Assert.Equal(TimeSpan.FromHours(5), BanLadder.Parse(["5h", "10m", "permanent"]).LongestFinite);
        Assert.Equal(TimeSpan.Zero, BanLadder.Parse(["permanent"]).LongestFinite);
    }

    [Fact]
    public void Random_walk_of_offences_agrees_with_a_reference()
    {
        var random = new Random(7);
        string[] units = ["s", "m", "h", "d"];
        for (var run = 0; run < 200; run++)
        {
            var count = random.Next(1, 7);
            var texts = Enumerable.Range(0, count)
                .Select(_ => $"{random.Next(1, 100)}{units[random.Next(units.Length)]}")
                .ToList();
            if (random.Next(2) == 0) texts[^1] = "permanent";
            var expected = texts.Select(ReferenceDuration).ToList();

            var ladder = BanLadder.Parse(texts);

            var offence = 1;
            for (var step = 0; step < 30; step++)
            {
                offence = Math.Max(1, offence + random.Next(-1, 3));
                Assert.Equal(expected[Math.Min(offence, count) - 1], ladder.DurationFor(offence));
            }
            Assert.Equal(expected.Where(d => d is not null).DefaultIfEmpty(TimeSpan.Zero).Max(), ladder.LongestFinite);
        }
    }

    private static TimeSpan? ReferenceDuration(string text)
    {
        if (text == "permanent") return null;
        var amount = int.Parse(text[..^1]);
        return text[^1] switch
        {
            's' => new TimeSpan(0, 0, amount),
            'm' => new TimeSpan(0, amount, 0),
            'h' => new TimeSpan(amount, 0, 0),
            _ => new TimeSpan(amount, 0, 0, 0),
        };
    }
}
