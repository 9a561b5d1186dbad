using Detector.Audit;
using Detector.Baseline;
using Detector.Detection;
using Detector.Enforcement;
using Detector.Ingest;
using Detector.Domain;

namespace Detector.Tests.Audit;

public class AuditEventTests
{
    private static readonly IpKey Ip = IpKey.Parse("203.0.113.9");

    private static long At(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds();

    private const string BanLine = "[2026-04-29T14:24:29Z] BAN 203.0.113.9 | ip_zscore>3.0 | 212.4 req/s | mean=11.2 std=6.1 | 600s";
    private const string UnbanLine = "[2026-04-29T14:34:29Z] UNBAN 203.0.113.9 | expired | 0.0 req/s | mean=11.0 std=6.0 | 600s";
    private const string BaselineLine = "[2026-04-29T14:25:00Z] BASELINE - | recompute | 13.1 req/s | mean=12.9 std=5.8 err=0.031 slot=14h | -";
    private const string AlertLine = "[2026-04-29T14:26:10Z] ALERT global | global_rate>5.0x_mean | 88.0 req/s | mean=12.9 std=5.8 | -";

    private static AuditEvent BanEvent()
    {
        var at = At("2026-04-29T14:24:29Z");
        return AuditEvent.Of(new BanImposed(at, Ip, 1, at + 600, "ip_zscore>3.0", 212.4, 11.2, 6.1));
    }

    [Fact]
    public void Ban_line_has_the_documented_shape()
    {
        Assert.Equal(BanLine, BanEvent().Format());
    }

    [Fact]
    public void Unban_line_has_the_documented_shape()
    {
        var e = AuditEvent.Of(new BanLifted(At("2026-04-29T14:34:29Z"), Ip, "expired", 600, 0.0, 11.0, 6.0));

        Assert.Equal(UnbanLine, e.Format());
    }

    [Fact]
    public void Baseline_line_has_the_documented_shape()
    {
        var snapshot = new BaselineSnapshot(At("2026-04-29T14:25:00Z"), 12.9, 5.8, 2.1, 0.031, 1.0, 2.0, 1800, "14h", true);

        Assert.Equal(BaselineLine, AuditEvent.Of(new BaselineRecomputed(snapshot, 13.1)).Format());
    }

    [Fact]
    public void Alert_line_has_the_documented_shape()
    {
        var alert = new GlobalAlert(At("2026-04-29T14:26:10Z"), "global_rate>5.0x_mean", 88.0, 12.9, 5.8);

        Assert.Equal(AlertLine, AuditEvent.Of(GlobalAlertRaised.From(alert)).Format());
    }

    [Fact]
    public void Permanent_ban_says_permanent()
    {
        var e = AuditEvent.Of(new BanImposed(0, Ip, 4, null, "manual", 0, 0, 0));

        Assert.Equal("[1970-01-01T00:00:00Z] BAN 203.0.113.9 | manual | 0.0 req/s | mean=0.0 std=0.0 | permanent", e.Format());
    }

    [Fact]
    public void Helpers_print_baseline_and_duration_fields()
    {
        Assert.Equal("mean=11.2 std=6.1", AuditEvent.MeanStd(11.2, 6.1));
        Assert.Equal("mean=11.3 std=0.0", AuditEvent.MeanStd(11.25001, 0.04));
        Assert.Equal("600s", AuditEvent.DurationText(600));
        Assert.Equal("permanent", AuditEvent.DurationText(null));
    }

    [Fact]
    public void IPv6_subject_is_printed_in_its_canonical_form()
    {
        var e = AuditEvent.Of(new BanImposed(0, IpKey.Parse("2001:DB8:0:0::1"), 1, 600, "ip_zscore>3.0", 1, 1, 1));

        Assert.Equal("2001:db8::1", e.Subject);
    }

    [Theory]
    [InlineData(BanLine)]
    [InlineData(UnbanLine)]
    [InlineData(BaselineLine)]
    [InlineData(AlertLine)]
    public void Documented_lines_parse_back_to_the_same_text(string line)
    {
        var parsed = AuditEvent.TryParse(line);

        Assert.NotNull(parsed);
        Assert.Equal(line, parsed.Format());
    }

    [Fact]
    public void Parsed_ban_line_has_every_field()
    {
        Assert.Equal(BanEvent(), AuditEvent.TryParse(BanLine + "\n"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("[2026-04-29T14:24:29Z]")]
    [InlineData("[2026-04-29 14:24:29Z] BAN 203.0.113.9 | c | 1.0 req/s | b | 600s")]
    [InlineData("[2026-13-29T14:24:29Z] BAN 203.0.113.9 | c | 1.0 req/s | b | 600s")]
    [InlineData("[2026-04-29T14:24:29Z] BAN 203.0.113.9 | c | 1.0 req/s | b")]
    [InlineData("[2026-04-29T14:24:29Z] BAN 203.0.113.9 | c | fast req/s | b | 600s")]
    [InlineData("[2026-04-29T14:24:29Z] BAN 203.0.113.9 | c | 1.0 | b | 600s")]
    [InlineData("[2026-04-29T14:24:29Z] BAN | c | 1.0 req/s | b | 600s")]
    [InlineData("[2026-04-29T14:24:29Z] BAN a b | c | 1.0 req/s | b | 600s")]
    public void Lines_that_are_not_audit_lines_do_not_parse(string line)
    {
        Assert.Null(AuditEvent.TryParse(line));
    }

    [Fact]
    public void Random_events_round_trip_through_Format_and_TryParse()
    {
        var random = new Random(1234);
        string[] actions = ["BAN", "UNBAN", "ALERT", "BASELINE", "RECONCILE"];
        string[] conditions = ["ip_zscore>3.0", "ip_rate>5.0x_mean+error_surge", "expired", "manual", "recompute"];
        var from = At("2000-01-01T00:00:00Z");
        var to = At("2100-01-01T00:00:00Z");
        for (var i = 0; i < 1000; i++)
        {
            var subject = random.Next(3) switch
            {
                0 => IpKey.FromV4((uint)random.NextInt64(0, uint.MaxValue)).ToString(),
                1 => new IpKey((ulong)random.NextInt64(), (ulong)random.NextInt64()).ToString(),
                _ => "global",
            };
            var e = new AuditEvent(
                random.NextInt64(from, to),
                actions[random.Next(actions.Length)],
                subject,
                conditions[random.Next(conditions.Length)],
                Math.Round(random.NextDouble() * Math.Pow(10, random.Next(7)), 1),
                AuditEvent.MeanStd(random.NextDouble() * 100, random.NextDouble() * 50),
                AuditEvent.DurationText(random.Next(5) == 0 ? null : random.Next(1, 10_000_000)));

            var line = e.Format();

            Assert.Equal(e, AuditEvent.TryParse(line));
        }
    }

    [Fact]
    public void Long_lines_are_formatted_whole()
    {
        var condition = new string('x', 600);
        var line = new AuditEvent(0, "ALERT", "global", condition, 1, "b", "-").Format();

        Assert.Equal($"[1970-01-01T00:00:00Z] ALERT global | {condition} | 1.0 req/s | b | -", line);
    }

    [Fact]
    public void Lines_are_invariant_whatever_the_current_culture()
    {
        using var _ = CultureScope.German();
        Assert.Equal(",", System.Globalization.CultureInfo.CurrentCulture.NumberFormat.NumberDecimalSeparator);

        Assert.Equal(BanLine, BanEvent().Format());
        Assert.Equal("mean=11.2 std=6.1", AuditEvent.MeanStd(11.2, 6.1));
        Assert.Equal(BanEvent(), AuditEvent.TryParse(BanLine));
        var snapshot = new BaselineSnapshot(At("2026-04-29T14:25:00Z"), 12.9, 5.8, 2.1, 0.031, 1.0, 2.0, 1800, "14h", true);
        Assert.Equal(BaselineLine, AuditEvent.Of(new BaselineRecomputed(snapshot, 13.1)).Format());
    }

    [Fact]
    public void A_time_past_year_9999_is_written_as_the_last_second_there_is_instead_of_throwing()
    {
        // Closing 9999-12-31T23:59:59 stamps its BASELINE line one second later, in year 10000.
        var yearTenThousand = DateTimeOffset.MaxValue.ToUnixTimeSeconds() + 1;
        var line = new AuditEvent(yearTenThousand, "BASELINE", "-", "recompute", 0, "-", "-").Format();

        Assert.StartsWith("[9999-12-31T23:59:59Z] BASELINE -", line);
        Assert.StartsWith("[0001-01-01T00:00:00Z]", new AuditEvent(long.MinValue, "BASELINE", "-", "recompute", 0, "-", "-").Format());
    }
}
