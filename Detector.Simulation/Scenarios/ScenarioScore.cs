using Detector.Audit;
using Detector.Domain;

namespace Detector.Simulation.Scenarios;

/// <summary>One GLOBAL alert of a replay: when (Unix seconds), the condition that fired, the rate and the baseline.</summary>
public sealed record AlertRecord(long At, string Condition, double Rate, string Baseline)
{
    public override string ToString() =>
        $"{DateTimeOffset.FromUnixTimeSeconds(At):HH:mm:ss}Z {Condition} | {Rate:0.0} req/s | {Baseline}";
}

/// <summary>How one replay of a labelled scenario went, from its audit trail and its ground truth.</summary>
/// <param name="Attackers">Attackers that must be banned.</param>
/// <param name="OptionalAttackers">Attackers that may be banned (each alone below any per-address bar).</param>
/// <param name="BanDelays">Seconds from each banned attacker's attack start to its first BAN, by attacker (both kinds).</param>
/// <param name="BenignBanned">Banned addresses that are not attackers.</param>
/// <param name="AlertEvents">GLOBAL alerts raised, in order, with their conditions.</param>
/// <param name="LadderDurations">The repeat offender's BAN durations in order (empty without one).</param>
/// <param name="Conditions">Distinct rules that banned, with how many bans each.</param>
/// <param name="FirstAttackAt">Unix seconds of the first attack's start (null without attacks).</param>
public sealed record ScenarioScore(
    LabelledScenario Scenario,
    IReadOnlyList<string> Attackers,
    IReadOnlyList<string> OptionalAttackers,
    IReadOnlyDictionary<string, long> BanDelays,
    IReadOnlyList<string> BenignBanned,
    IReadOnlyList<AlertRecord> AlertEvents,
    IReadOnlyList<string> LadderDurations,
    IReadOnlyList<string> ExpectedLadder,
    IReadOnlyDictionary<string, int> Conditions,
    long? FirstAttackAt)
{
    public int Alerts => AlertEvents.Count;
    public IEnumerable<string> MissedAttackers => Attackers.Where(a => !BanDelays.ContainsKey(a));
    public int OptionalBanned => OptionalAttackers.Count(BanDelays.ContainsKey);
    public double Recall => Attackers.Count == 0 ? 1 : (double)Attackers.Count(BanDelays.ContainsKey) / Attackers.Count;

    private IEnumerable<long> MustBanDelays => Attackers.Where(BanDelays.ContainsKey).Select(a => BanDelays[a]);
    public long? MaxDelaySeconds => MustBanDelays.DefaultIfEmpty(-1).Max() is var m && m >= 0 ? m : null;
    public long? MedianDelaySeconds => MustBanDelays.Order().ToList() is { Count: > 0 } d ? d[d.Count / 2] : null;

    /// <summary>GLOBAL alerts in a scenario where they are forbidden.</summary>
    public int FalseAlerts => Scenario.Alert == AlertExpectation.Forbidden ? Alerts : 0;

    /// <summary>A GLOBAL alert at or after the first attack's start whose condition names the expected cause (if any).</summary>
    public bool CausedAlertRaised => AlertEvents.Any(a =>
        (FirstAttackAt is not { } start || a.At >= start) &&
        (Scenario.AlertCause is not { } cause || a.Condition.Contains(cause, StringComparison.OrdinalIgnoreCase)));

    /// <summary>For an allowed alert with a cause: whether the alerts raised name it (null without alerts).</summary>
    public bool? AlertNamesCause => Alerts == 0 || Scenario.AlertCause is null ? null : CausedAlertRaised;

    public bool AlertsAsExpected => Scenario.Alert switch
    {
        AlertExpectation.Forbidden => Alerts == 0,
        AlertExpectation.Required => CausedAlertRaised,
        _ => true,
    };

    public bool DeadlineMet => Scenario.BanDeadline is not { } deadline || MustBanDelays.All(d => d <= deadline.TotalSeconds);
    public bool? LadderCorrect => Scenario.RepeatOffender is null ? null : LadderDurations.SequenceEqual(ExpectedLadder);

    /// <summary>The acceptance: every must-ban attacker banned (in time), no benign address banned, no forbidden alert, required alerts with their cause, the ladder followed.</summary>
    public bool Passed => Recall == 1 && BenignBanned.Count == 0 && AlertsAsExpected && DeadlineMet && LadderCorrect != false;

    /// <summary>Why it failed, one clause per broken expectation (empty when it passed).</summary>
    public IEnumerable<string> Failures()
    {
        var missed = MissedAttackers.ToList();
        if (missed.Count > 0) yield return $"{missed.Count} attacker(s) not banned ({string.Join(", ", missed.Take(3))}{(missed.Count > 3 ? ", …" : "")})";
        if (BenignBanned.Count > 0) yield return $"{BenignBanned.Count} benign banned ({string.Join(", ", BenignBanned.Take(3))}{(BenignBanned.Count > 3 ? ", …" : "")})";
        if (!DeadlineMet) yield return $"slowest ban {MaxDelaySeconds} s > {Scenario.BanDeadline!.Value.TotalSeconds:0} s";
        if (Scenario.Alert == AlertExpectation.Forbidden && Alerts > 0)
            yield return $"{Alerts} false GLOBAL alert(s): {AlertEvents[0]}";
        if (Scenario.Alert == AlertExpectation.Required && !CausedAlertRaised)
            yield return Alerts == 0
                ? "no GLOBAL alert"
                : $"no GLOBAL alert naming '{Scenario.AlertCause}' (got {string.Join("; ", AlertEvents.Select(a => a.Condition).Distinct())})";
        if (LadderCorrect == false) yield return $"ladder {string.Join(", ", LadderDurations)} (want {string.Join(", ", ExpectedLadder)})";
    }

    /// <summary>Scores a replay's audit events against the scenario's labels.</summary>
    /// <param name="ladder">Ban durations as the audit writes them ("600s", "permanent"), in ladder order.</param>
    public static ScenarioScore Of(LabelledScenario scenario, TrafficScenario traffic, IEnumerable<AuditEvent> audit, IReadOnlyList<string> ladder)
    {
        var attackStarts = new Dictionary<string, long>();
        var mustBan = new HashSet<string>();
        foreach (var attack in traffic.Attacks)
        {
            var ip = attack.Ip.ToString();
            var start = attack.Start.ToUnixTimeSeconds();
            attackStarts[ip] = attackStarts.TryGetValue(ip, out var earlier) ? Math.Min(earlier, start) : start;
            if (attack.MustBan) mustBan.Add(ip);
        }

        var delays = new Dictionary<string, long>();
        var benign = new SortedSet<string>(StringComparer.Ordinal);
        var conditions = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var ladderDurations = new List<string>();
        var alerts = new List<AlertRecord>();
        var repeat = scenario.RepeatOffender?.ToString();
        foreach (var e in audit)
        {
            if (e.Action == AuditAction.Alert) alerts.Add(new AlertRecord(e.At, e.Condition, e.Rate, e.Baseline));
            if (e.Action == AuditAction.BanRange && Cidr.TryParse(e.Subject, out var range, out _))
            {
                // A range ban bans every attacker inside it: at once for one that starts later.
                var rule = e.Condition.Split(' ')[0];
                conditions[rule] = conditions.GetValueOrDefault(rule) + 1;
                var covered = false;
                foreach (var (ip, began) in attackStarts)
                    if (range.Contains(IpKey.Parse(ip)))
                    {
                        covered = true;
                        delays.TryAdd(ip, Math.Max(0, e.At - began));
                    }
                if (!covered) benign.Add(e.Subject);
                continue;
            }
            if (e.Action != AuditAction.Ban) continue;
            conditions[e.Condition] = conditions.GetValueOrDefault(e.Condition) + 1;
            if (e.Subject == repeat) ladderDurations.Add(e.Duration);
            if (!attackStarts.TryGetValue(e.Subject, out var start)) benign.Add(e.Subject);
            else delays.TryAdd(e.Subject, e.At - start);
        }

        var bursts = scenario.RepeatOffender is { } offender ? traffic.Attacks.Count(a => a.Ip == offender) : 0;
        var expectedLadder = Enumerable.Range(0, bursts).Select(i => ladder[Math.Min(i, ladder.Count - 1)]).ToList();
        return new ScenarioScore(scenario,
            [.. attackStarts.Keys.Where(mustBan.Contains).Order(StringComparer.Ordinal)],
            [.. attackStarts.Keys.Where(ip => !mustBan.Contains(ip)).Order(StringComparer.Ordinal)],
            delays, [.. benign], alerts, ladderDurations, expectedLadder, conditions,
            attackStarts.Count == 0 ? null : attackStarts.Values.Min());
    }
}
