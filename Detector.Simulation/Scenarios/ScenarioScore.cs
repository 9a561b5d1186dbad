using Detector.Audit;

namespace Detector.Simulation.Scenarios;

/// <summary>How one replay of a labelled scenario went, from its audit trail and its ground truth.</summary>
/// <param name="BanDelays">Seconds from each banned attacker's attack start to its first BAN, by attacker.</param>
/// <param name="BenignBanned">Banned addresses that are not attackers.</param>
/// <param name="Alerts">GLOBAL alerts raised.</param>
/// <param name="LadderDurations">The repeat offender's BAN durations in order (empty without one).</param>
/// <param name="Conditions">Distinct rules that fired, with how many bans each.</param>
public sealed record ScenarioScore(
    LabelledScenario Scenario,
    IReadOnlyList<string> Attackers,
    IReadOnlyDictionary<string, long> BanDelays,
    IReadOnlyList<string> BenignBanned,
    int Alerts,
    IReadOnlyList<string> LadderDurations,
    IReadOnlyList<string> ExpectedLadder,
    IReadOnlyDictionary<string, int> Conditions)
{
    public IEnumerable<string> MissedAttackers => Attackers.Where(a => !BanDelays.ContainsKey(a));
    public double Recall => Attackers.Count == 0 ? 1 : (double)BanDelays.Count / Attackers.Count;
    public long? MaxDelaySeconds => BanDelays.Count == 0 ? null : BanDelays.Values.Max();
    public long? MedianDelaySeconds => BanDelays.Count == 0 ? null : BanDelays.Values.Order().ElementAt(BanDelays.Count / 2);

    public bool AlertsAsExpected => Scenario.ExpectGlobalAlert ? Alerts > 0 : Alerts == 0;
    public bool DeadlineMet => Scenario.BanDeadline is not { } deadline || BanDelays.Values.All(d => d <= deadline.TotalSeconds);
    public bool? LadderCorrect => Scenario.RepeatOffender is null ? null : LadderDurations.SequenceEqual(ExpectedLadder);

    /// <summary>The acceptance: every attacker banned (in time), no benign address banned, alerts only in surges, the ladder followed.</summary>
    public bool Passed => Recall == 1 && BenignBanned.Count == 0 && AlertsAsExpected && DeadlineMet && LadderCorrect != false;

    /// <summary>Scores a replay's audit events against the scenario's labels.</summary>
    /// <param name="ladder">Ban durations as the audit writes them ("600s", "permanent"), in ladder order.</param>
    public static ScenarioScore Of(LabelledScenario scenario, TrafficScenario traffic, IEnumerable<AuditEvent> audit, IReadOnlyList<string> ladder)
    {
        var attackStarts = new Dictionary<string, long>();
        foreach (var attack in traffic.Attacks)
        {
            var ip = attack.Ip.ToString();
            var start = attack.Start.ToUnixTimeSeconds();
            attackStarts[ip] = attackStarts.TryGetValue(ip, out var earlier) ? Math.Min(earlier, start) : start;
        }

        var delays = new Dictionary<string, long>();
        var benign = new SortedSet<string>(StringComparer.Ordinal);
        var conditions = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var ladderDurations = new List<string>();
        var repeat = scenario.RepeatOffender?.ToString();
        var alerts = 0;
        foreach (var e in audit)
        {
            if (e.Action == AuditAction.Alert) alerts++;
            if (e.Action != AuditAction.Ban) continue;
            conditions[e.Condition] = conditions.GetValueOrDefault(e.Condition) + 1;
            if (e.Subject == repeat) ladderDurations.Add(e.Duration);
            if (!attackStarts.TryGetValue(e.Subject, out var start)) benign.Add(e.Subject);
            else delays.TryAdd(e.Subject, e.At - start);
        }

        var bursts = scenario.RepeatOffender is { } offender ? traffic.Attacks.Count(a => a.Ip == offender) : 0;
        var expectedLadder = Enumerable.Range(0, bursts).Select(i => ladder[Math.Min(i, ladder.Count - 1)]).ToList();
        return new ScenarioScore(scenario, [.. attackStarts.Keys.Order(StringComparer.Ordinal)], delays, [.. benign], alerts,
            ladderDurations, expectedLadder, conditions);
    }
}
