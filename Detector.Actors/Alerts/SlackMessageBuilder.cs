using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Detector.Audit;
using Detector.Domain;

namespace Detector.Alerts;

/// <summary>
/// Detector events to Slack incoming-webhook payloads: Block Kit blocks plus a <c>text</c> fallback for notifications.
/// Pure. Every string that came from the log (paths, user agents) is escaped for Slack's mrkdwn and shortened, so a
/// client cannot ping a channel, plant a link or break the layout through a request.
/// </summary>
public static class SlackMessageBuilder
{
    private const int MaxSampleLength = 120;
    private const int MaxSectionLength = 2900;
    private const string Footer = "Detector";

    // Slack reads the body as JSON, not HTML: no need for \u-escaping of <, >, & and non-ASCII (it only bloats it).
    private static readonly JsonSerializerOptions PayloadJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static SlackMessage ForEvent(DetectorEvent e, AlertContext context) => e switch
    {
        BanImposed ban => Ban(ban, context),
        BanLifted unban => Unban(unban, context),
        GlobalAlertRaised alert => GlobalSurge(alert, context),
        AccountAttacked attacked => AccountAttack(attacked, context),
        Domain.BanIneffective ineffective => BanIneffective(ineffective, context),
        FirewallFailed { Operation: FirewallOperation.Ban, Ip: { } ip } failed => FirewallFailure(failed, ip, context, "ban"),
        FirewallFailed { Operation: FirewallOperation.Unban, Ip: { } ip } failed => FirewallFailure(failed, ip, context, "unban"),
        FirewallFailed failed => Generic(failed, failed.Ip?.ToString() ?? AuditEvent.None, failed.Condition, 0, context),
        AnomalyAllowlisted allowlisted => Generic(allowlisted, allowlisted.Ip.ToString(), allowlisted.Verdict.Condition, allowlisted.Verdict.Rate, context),
        BanRefused refused => Generic(refused, refused.Ip.ToString(), $"{AuditEvent.Of(refused).Condition}: {refused.Exemption}", 0, context),
        RangeBanImposed range => RangeBan(range, context),
        RangeBanLifted lifted => Generic(lifted, lifted.Range.ToString(), $"{lifted.Reason}, ban of {HumanDuration(lifted.BanDurationSeconds)}; {AuditEvent.MembersText(lifted.Members)}", 0, context),
        RangeBanRefused refused => Generic(refused, refused.Range.ToString(), $"{AuditEvent.Of(refused).Condition}: {refused.Exemption}", 0, context),
        BaselineRecomputed recomputed => Generic(recomputed, AuditEvent.None, "recompute", recomputed.Rate, context),
        _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "not a detector event"),
    };

    public static SlackMessage ForBanBurst(BanBurst burst)
    {
        var seconds = Seconds(burst.Window);
        var title = burst.Continuing
            ? $"{burst.Total} more IPs banned in {seconds} (ban wave continues)"
            : $"{burst.Total} IPs banned in {seconds}";
        var lines = new StringBuilder();
        var listed = 0;
        foreach (var ban in burst.Listed)
        {
            var line = $"• `{Code(ban.Ip.ToString())}` · {Code(ban.Condition)} · {Rate(ban.Rate)} · {HumanDuration(ban.DurationSeconds)}\n";
            if (lines.Length + line.Length > MaxSectionLength - 40) break;
            lines.Append(line);
            listed++;
        }
        if (burst.Total > listed) lines.Append("…and ").Append(burst.Total - listed).Append(" more\n");

        var note = burst.Held < burst.Total
            ? $"The first {burst.Total - burst.Held} had their own message; the other {burst.Held} are only here. The audit log has every line."
            : "None of these had a message of its own. The audit log has every line.";
        var ips = string.Join(", ", burst.Listed.Take(10).Select(b => Escape(b.Ip.ToString())));
        var text = $":no_entry: {title}: {ips}{(burst.Total > 10 ? ", …" : "")}";
        return Build($"BAN burst of {burst.Total}", text,
            Header($":no_entry: {title}"),
            Section(lines.ToString()),
            Context($"{note} · {Footer}"));
    }

    private static SlackMessage Ban(BanImposed e, AlertContext context)
    {
        var details = context.Ban ?? BanDetails.None;
        var ip = e.Ip.ToString();
        var baseline = MeanStd(e.Mean, e.Std);
        var duration = HumanDuration(e.DurationSeconds);
        var tier = details.Offence is { } offence
            ? details.LadderSteps > 0 ? $"offence {offence}, ladder step {Math.Min(offence, details.LadderSteps)} of {details.LadderSteps}" : $"offence {offence}"
            : null;
        var text = $":no_entry: BAN {Escape(ip)} — {Escape(e.Condition)}, {Rate(e.Rate)} ({Escape(baseline)}), {duration}{(tier is null ? "" : $" ({tier})")}";

        var fields = new List<string>
        {
            Field("IP", $"`{Code(ip)}`"),
            Field("Rule", $"`{Code(e.Condition)}`"),
            Field("Rate", Rate(e.Rate)),
            Field("Baseline", Escape(baseline)),
            Field("Duration", $"{duration} ({DurationSeconds(e.DurationSeconds)})"),
        };
        if (tier is not null) fields.Add(Field("Tier", tier));

        var blocks = new List<JsonObject> { Header($":no_entry: Banned {ip}"), Fields(fields) };
        if (details.SamplePaths.Count > 0) blocks.Add(Section(Limit("*Recent paths*\n" + Samples(details.SamplePaths))));
        if (details.SampleAgents.Count > 0) blocks.Add(Section(Limit("*User agents*\n" + Samples(details.SampleAgents))));
        blocks.Add(Context(ContextLine(e, context)));
        return Build($"BAN {ip}", text, [.. blocks]);
    }

    /// <summary>A network banned as one entry, with the addresses that led to it (parsed addresses, escaped all the same).</summary>
    private static SlackMessage RangeBan(RangeBanImposed e, AlertContext context)
    {
        var range = e.Range.ToString();
        var duration = HumanDuration(e.DurationSeconds);
        var text = $":no_entry: BAN_RANGE {Escape(range)} — {Escape(e.Condition)}, {e.Members.Count} addresses, {duration} (offence {e.Offence})";
        var members = string.Join("\n", e.Members.Take(AuditEvent.MaxMembersShown).Select(m => $"• `{Code(m.ToString())}`"));
        if (e.Members.Count > AuditEvent.MaxMembersShown) members += $"\n…and {e.Members.Count - AuditEvent.MaxMembersShown} more";
        return Build($"BAN_RANGE {range}", text,
            Header($":no_entry: Banned range {range}"),
            Fields(
            [
                Field("Range", $"`{Code(range)}`"),
                Field("Rule", $"`{Code(e.Condition)}`"),
                Field("Duration", $"{duration} ({DurationSeconds(e.DurationSeconds)})"),
                Field("Tier", $"range offence {e.Offence}"),
            ]),
            Section(Limit("*Addresses that led to it*\n" + members)),
            Context(ContextLine(e, context)));
    }

    private static SlackMessage Unban(BanLifted e, AlertContext context)
    {
        var text = $":white_check_mark: UNBAN {Escape(e.Ip.ToString())} — {Escape(e.Reason)} (ban of {HumanDuration(e.BanDurationSeconds)})";
        return Build($"UNBAN {e.Ip}", text,
            Section(text),
            Context(ContextLine(e, context)));
    }

    private static SlackMessage GlobalSurge(GlobalAlertRaised e, AlertContext context)
    {
        var baseline = MeanStd(e.Mean, e.Std);
        var text = $":rotating_light: Global traffic surge: {Rate(e.Rate)} against {Escape(baseline)} (`{Code(e.Condition)}`). No IP is banned for this.";
        var fields = new List<string>
        {
            Field("Site rate (60 s)", Rate(e.Rate)),
            Field("Baseline", Escape(baseline)),
            Field("Rule", $"`{Code(e.Condition)}`"),
        };
        if (context.Surge is { } surge)
        {
            fields.Add(Field("Source IPs", $"{surge.DistinctIps} distinct, {surge.NewIps} new"));
            if (surge.Top.Count > 0)
                fields.Add(Field("Top sources", string.Join("\n", surge.Top.Take(5).Select(t => $"`{Code(t.Ip)}` {t.Requests} req"))));
        }
        return Build("ALERT global", text,
            Header(":rotating_light: Global traffic surge"),
            Fields(fields),
            Context(ContextLine(e, context)));
    }

    /// <summary>The account by its pseudonym; its name (escaped) only when the event still carries it (configured).</summary>
    private static SlackMessage AccountAttack(AccountAttacked e, AlertContext context)
    {
        var account = e.Account is null ? $"`{e.AccountId}`" : $"`{Code(UntrustedText.Neutralise(Truncate(e.Account, MaxSampleLength)))}` ({e.AccountId})";
        var text = $":rotating_light: Account {account} attacked from {e.Networks} networks: {e.Failures} failed logins from " +
                   $"{e.Addresses} addresses in {Seconds(TimeSpan.FromSeconds(e.WindowSeconds))}, at most {e.MaxPerAddress} from any one (`{Code(e.Condition)}`).";
        return Build($"ALERT account:{e.AccountId}", text,
            Header(":rotating_light: Distributed attack on an account"),
            Section(text),
            Context(ContextLine(e, context)));
    }

    private static SlackMessage BanIneffective(Domain.BanIneffective e, AlertContext context)
    {
        var text = $":warning: The ban on {Escape(e.Ip.ToString())} is not stopping its traffic: lines_after_ban={e.LinesAfterBan}, still {Rate(e.Rate)}. Check the firewall backend (DOCKER-USER, iptables-nft vs legacy).";
        return Build($"{AuditAction.BanIneffective} {e.Ip}", text,
            Header($":warning: Ban on {e.Ip} is not effective"),
            Section(text),
            Context(ContextLine(e, context)));
    }

    private static SlackMessage FirewallFailure(FirewallFailed e, IpKey ip, AlertContext context, string operation)
    {
        var text = $":x: Firewall failed to {operation} {Escape(ip.ToString())}: {Escape(e.Condition)}. Detector retries; see /api/status.";
        return Build($"{AuditAction.Of(e)} {ip}", text,
            Header($":x: Firewall {operation} failed for {ip}"),
            Section(text),
            Context(ContextLine(e, context)));
    }

    /// <summary>Events without a message of their own: action, subject, condition and rate as on the audit line.</summary>
    private static SlackMessage Generic(DetectorEvent e, string subject, string condition, double rate, AlertContext context)
    {
        var action = AuditAction.Of(e);
        var text = $"{Escape(action)} {Escape(subject)} — {Escape(condition)}, {Rate(rate)}";
        return Build($"{action} {subject}", text, Section(text), Context(ContextLine(e, context)));
    }

    private static string ContextLine(DetectorEvent e, AlertContext context)
    {
        var line = $"event time {FormatTime(e.At)}";
        if (context.SuppressedBefore > 0)
            line += $" · {context.SuppressedBefore} identical alert{(context.SuppressedBefore == 1 ? "" : "s")} suppressed since the last one";
        return $"{line} · {Footer}";
    }

    private static SlackMessage Build(string summary, string text, params JsonObject[] blocks)
    {
        var blockArray = new JsonArray();
        foreach (var block in blocks) blockArray.Add(block);
        var payload = new JsonObject { ["text"] = text, ["blocks"] = blockArray };
        return new SlackMessage(summary, text, payload.ToJsonString(PayloadJson));
    }

    private static JsonObject Header(string text) => new()
    {
        ["type"] = "header",
        ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = Truncate(text, 150), ["emoji"] = true },
    };

    private static JsonObject Section(string mrkdwn) => new()
    {
        ["type"] = "section",
        ["text"] = Mrkdwn(mrkdwn),
    };

    private static JsonObject Fields(IEnumerable<string> fields)
    {
        var array = new JsonArray();
        foreach (var field in fields.Take(10)) array.Add(Mrkdwn(field));
        return new JsonObject { ["type"] = "section", ["fields"] = array };
    }

    private static JsonObject Context(string mrkdwn) => new()
    {
        ["type"] = "context",
        ["elements"] = new JsonArray(Mrkdwn(mrkdwn)),
    };

    private static JsonObject Mrkdwn(string text) => new() { ["type"] = "mrkdwn", ["text"] = text };

    private static string Field(string name, string value) => $"*{name}*\n{value}";

    private static string Samples(IEnumerable<string> samples) =>
        string.Join("\n", samples.Select(s => $"• `{Code(Truncate(s, MaxSampleLength))}`"));

    /// <summary>Slack's three control characters; with them escaped no <c>&lt;!channel&gt;</c>, mention or link can form.
    /// Control, bidi and line-separator characters are neutralised first (<see cref="UntrustedText"/>).</summary>
    public static string Escape(string text)
    {
        var visible = UntrustedText.Neutralise(text);
        var builder = new StringBuilder(visible.Length);
        foreach (var c in visible)
        {
            switch (c)
            {
                case '&': builder.Append("&amp;"); break;
                case '<': builder.Append("&lt;"); break;
                case '>': builder.Append("&gt;"); break;
                default: builder.Append(c); break;
            }
        }
        return builder.ToString();
    }

    /// <summary>Escaped for use between backticks: a backtick in the value would end the code span.</summary>
    private static string Code(string text) => Escape(text).Replace('`', '\'');

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private static string Limit(string mrkdwn) => Truncate(mrkdwn, MaxSectionLength);

    private static string Rate(double rate) => rate.ToString("F1", CultureInfo.InvariantCulture) + " req/s";

    private static string Seconds(TimeSpan span) => HumanDuration((long)Math.Round(span.TotalSeconds));

    private static string FormatTime(long unixSeconds) =>
        DateTimeOffset.FromUnixTimeSeconds(unixSeconds).UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>"mean=11.2 std=6.1", as the audit line shows a baseline.</summary>
    private static string MeanStd(double mean, double std) =>
        string.Create(CultureInfo.InvariantCulture, $"mean={mean:F1} std={std:F1}");

    /// <summary>A ban's length as the audit line gives it: "600s", "permanent" (null).</summary>
    private static string DurationSeconds(long? seconds) =>
        seconds is { } s ? s.ToString(CultureInfo.InvariantCulture) + "s" : "permanent";

    /// <summary>A ban's length in words: "10 min"; null = "permanent".</summary>
    public static string HumanDuration(long? seconds) => seconds is { } s ? HumanDuration(s) : "permanent";

    public static string HumanDuration(long seconds)
    {
        if (seconds < 60) return $"{seconds} s";
        var parts = new List<string>(2);
        var span = TimeSpan.FromSeconds(seconds);
        if (span.Days > 0) parts.Add($"{span.Days} d");
        if (span.Hours > 0) parts.Add($"{span.Hours} h");
        if (span.Minutes > 0) parts.Add($"{span.Minutes} min");
        if (span.Seconds > 0 && span.TotalHours < 1) parts.Add($"{span.Seconds} s");
        return string.Join(" ", parts.Take(2));
    }
}
