using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Detector.Audit;
using Detector.Domain;

namespace Detector.Alerts;

/// <summary>One event for the webhook: its action (BAN, UNBAN, ALERT, …), a delivery id that stays the same
/// across retries (receivers deduplicate on it), and the JSON body exactly as it is signed and sent.</summary>
public sealed record EventWebhookMessage(string Action, string DeliveryId, byte[] Body)
{
    /// <summary>
    /// The body: the audit line's fields (<see cref="AuditEvent.Of"/>: <c>action</c>, <c>subject</c>,
    /// <c>condition</c>, <c>rate</c>, <c>baseline</c>, <c>duration</c>), the event time as <c>at</c> (ISO 8601 UTC;
    /// omitted when the year is outside 1–9999) and <c>at_unix</c>, the <c>node</c> that sent it, and typed fields
    /// where the event has them: <c>ip</c>, <c>offence</c>, <c>expires_at_unix</c> and <c>duration_s</c> (null:
    /// permanent) for a BAN; <c>ip</c>, <c>reason</c> for an UNBAN; <c>range</c>, <c>members</c> and the BAN's (UNBAN's)
    /// fields for a BAN_RANGE (UNBAN_RANGE); <c>mean</c>/<c>std</c> for all of these and ALERT.
    /// Strings from the log (a condition names no path, but a subject or reason could carry anything) are JSON-escaped
    /// by the writer, control and non-ASCII characters included.
    /// </summary>
    /// <param name="includeAccountNames">Keep an attacked account's name (<see cref="AccountAttacked"/>); else the
    /// body names it only by its pseudonym.</param>
    public static EventWebhookMessage Of(DetectorEvent e, string node, Guid deliveryId, bool includeAccountNames = false)
    {
        if (e is AccountAttacked attacked && !includeAccountNames) e = attacked.WithoutAccountName();
        var audit = AuditEvent.Of(e);
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", deliveryId.ToString("D"));
            json.WriteString("action", audit.Action);
            if (IsoTime(e.At) is { } at) json.WriteString("at", at);
            json.WriteNumber("at_unix", e.At);
            json.WriteString("node", node);
            json.WriteString("subject", audit.Subject);
            json.WriteString("condition", audit.Condition);
            json.WriteNumber("rate", Math.Round(audit.Rate, 3));
            json.WriteString("baseline", audit.Baseline);
            json.WriteString("duration", audit.Duration);
            switch (e)
            {
                case BanImposed ban:
                    json.WriteString("ip", ban.Ip.ToString());
                    json.WriteNumber("offence", ban.Offence);
                    WriteNullable(json, "expires_at_unix", ban.ExpiresAt);
                    WriteNullable(json, "duration_s", ban.DurationSeconds);
                    WriteMeanStd(json, ban.Mean, ban.Std);
                    break;
                case BanLifted lifted:
                    json.WriteString("ip", lifted.Ip.ToString());
                    json.WriteString("reason", lifted.Reason);
                    WriteMeanStd(json, lifted.Mean, lifted.Std);
                    break;
                case RangeBanImposed range:
                    json.WriteString("range", range.Range.ToString());
                    WriteMembers(json, range.Members);
                    json.WriteNumber("offence", range.Offence);
                    WriteNullable(json, "expires_at_unix", range.ExpiresAt);
                    WriteNullable(json, "duration_s", range.DurationSeconds);
                    WriteMeanStd(json, range.Mean, range.Std);
                    break;
                case RangeBanLifted lifted:
                    json.WriteString("range", lifted.Range.ToString());
                    WriteMembers(json, lifted.Members);
                    json.WriteString("reason", lifted.Reason);
                    WriteMeanStd(json, lifted.Mean, lifted.Std);
                    break;
                case GlobalAlertRaised alert:
                    WriteMeanStd(json, alert.Mean, alert.Std);
                    break;
                case AccountAttacked account:
                    json.WriteString("account_id", account.AccountId);
                    if (account.Account is { } name) json.WriteString("account", name);
                    json.WriteNumber("failures", account.Failures);
                    json.WriteNumber("addresses", account.Addresses);
                    json.WriteNumber("networks", account.Networks);
                    break;
            }
            json.WriteEndObject();
        }
        return new EventWebhookMessage(audit.Action, deliveryId.ToString("D"), buffer.WrittenSpan.ToArray());
    }

    private static void WriteMembers(Utf8JsonWriter json, IReadOnlyList<IpKey> members)
    {
        json.WriteStartArray("members");
        foreach (var member in members) json.WriteStringValue(member.ToString());
        json.WriteEndArray();
    }

    /// <summary>For log lines: the action and delivery id, nothing from the body.</summary>
    public override string ToString() => $"{Action} {DeliveryId}";

    private static string? IsoTime(long unixSeconds) =>
        unixSeconds is >= -62_135_596_800 and <= 253_402_300_799
            ? DateTimeOffset.FromUnixTimeSeconds(unixSeconds).ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture)
            : null;

    private static void WriteNullable(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } v) json.WriteNumber(name, v);
        else json.WriteNull(name);
    }

    private static void WriteMeanStd(Utf8JsonWriter json, double mean, double std)
    {
        json.WriteNumber("mean", Math.Round(mean, 3));
        json.WriteNumber("std", Math.Round(std, 3));
    }
}
