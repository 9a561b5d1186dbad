using Detector.Host.Quality;
using Detector.Simulation.Scenarios;

namespace Detector.Tests.Integration;

/// <summary>
/// The seeded scenario families through the replay verb, on the CI seeds (<see cref="ScenarioCatalog.CiSeeds"/>, from
/// the tuning range): every must-ban attacker banned (floods within 10 s of event time), no benign address banned, no
/// GLOBAL alert where it is forbidden, a required alert naming its cause, the repeat offender's bans climbing the
/// ladder. The full distribution over fresh seeds is the <c>scenarios</c> benchmark's job.
/// </summary>
public sealed class DetectionQualitySpecs : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("detector-quality-");

    public void Dispose() => _dir.Delete(recursive: true);

    public static TheoryData<string, int> Draws =>
        new(ScenarioCatalog.Families.SelectMany(f => ScenarioCatalog.CiSeeds.Select(seed => (f.Name, seed))));

    [Theory]
    [MemberData(nameof(Draws))]
    public async Task Draw_bans_every_attacker_in_time_spares_every_benign_client_and_alerts_as_expected(string family, int seed)
    {
        var scenario = ScenarioCatalog.Family(family).Draw(seed);

        var score = await ScenarioReplay.RunAsync(scenario, _dir, cancellation: TestContext.Current.CancellationToken);

        var context = $"{scenario.Name}: {scenario.Situation}\nparams: {scenario.Parameters}\n" +
            $"bans: {string.Join(", ", score.Conditions.Select(c => $"{c.Key} ×{c.Value}"))}\n" +
            $"alerts: {string.Join("; ", score.AlertEvents)}";
        Assert.True(score.MissedAttackers.ToList() is [], $"attackers not banned: {string.Join(", ", score.MissedAttackers)}\n{context}");
        Assert.True(score.BenignBanned is [], $"benign addresses banned: {string.Join(", ", score.BenignBanned)}\n{context}");
        if (scenario.BanDeadline is { } deadline)
            Assert.True(score.DeadlineMet, $"slowest ban {score.MaxDelaySeconds} s after the attack began, deadline {deadline.TotalSeconds} s\n{context}");
        switch (scenario.Alert)
        {
            case AlertExpectation.Forbidden:
                Assert.True(score.Alerts == 0, $"{score.Alerts} false GLOBAL alert(s)\n{context}");
                break;
            case AlertExpectation.Required:
                Assert.True(score.CausedAlertRaised,
                    $"no GLOBAL alert{(scenario.AlertCause is { } cause ? $" naming '{cause}'" : "")} after the attack began\n{context}");
                break;
        }
        if (scenario.RepeatOffender is not null)
            Assert.Equal(score.ExpectedLadder, score.LadderDurations);
    }
}
