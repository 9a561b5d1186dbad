using Detector.Host.Quality;
using Detector.Simulation.Scenarios;

namespace Detector.Tests.Integration;

/// <summary>
/// The labelled scenario suite through the replay verb: every attacker banned (floods within 10 s of event time),
/// no benign address banned, GLOBAL alerts only in the surges, the repeat offender's bans climbing the ladder.
/// </summary>
public sealed class DetectionQualitySpecs : IDisposable
{
    /// <summary>Scenarios the model cannot pass yet, with the gap that makes them fail.</summary>
    private static readonly Dictionary<string, string> KnownGaps = new();

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("detector-quality-");

    public void Dispose() => _dir.Delete(recursive: true);

    public static TheoryData<string> Scenarios => new(ScenarioCatalog.All.Select(s => s.Name));

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Scenario_bans_every_attacker_in_time_spares_every_benign_client_and_alerts_only_on_surges(string name)
    {
        if (KnownGaps.TryGetValue(name, out var gap)) Assert.Skip($"known gap: {gap}");
        var scenario = ScenarioCatalog.Named(name);

        var score = await ScenarioReplay.RunAsync(scenario, _dir, cancellation: TestContext.Current.CancellationToken);

        Assert.True(score.MissedAttackers.ToList() is [], $"attackers not banned: {string.Join(", ", score.MissedAttackers)}");
        Assert.True(score.BenignBanned is [], $"benign addresses banned: {string.Join(", ", score.BenignBanned)}");
        if (scenario.BanDeadline is { } deadline)
            Assert.True(score.DeadlineMet, $"slowest ban {score.MaxDelaySeconds} s after the attack began, deadline {deadline.TotalSeconds} s");
        if (scenario.ExpectGlobalAlert) Assert.True(score.Alerts > 0, "a site-wide surge raised no GLOBAL alert");
        else Assert.True(score.Alerts == 0, $"{score.Alerts} GLOBAL alert(s) without a surge");
        if (scenario.RepeatOffender is not null)
            Assert.Equal(score.ExpectedLadder, score.LadderDurations);
    }
}
