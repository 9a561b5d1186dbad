using Detector.Audit;
using Detector.Configuration;
using Detector.Enforcement;
using Detector.Simulation.Scenarios;
using Detector.Host.Verbs;

namespace Detector.Host.Quality;

/// <summary>Generates a labelled scenario's log, replays it through the whole pipeline (the <c>replay</c> verb) and scores the audit.</summary>
public static class ScenarioReplay
{
    /// <param name="configure">Changes to the default options (a rule switched off, a threshold moved).</param>
    public static async Task<ScenarioScore> RunAsync(LabelledScenario scenario, DirectoryInfo workDir,
        Action<DetectorOptions>? configure = null, CancellationToken cancellation = default)
    {
        var log = Path.Combine(workDir.FullName, scenario.Name + ".log");
        var audit = Path.Combine(workDir.FullName, scenario.Name + ".audit.log");
        var traffic = scenario.Build();
        traffic.WriteTo(log, scenario.Duration);

        var options = new DetectorOptions();
        configure?.Invoke(options);
        options.Log.Path = log;
        var exit = await ReplayCommand.RunAsync(options, audit, TextWriter.Null, cancellation);
        if (exit != 0) throw new InvalidOperationException($"replay of scenario '{scenario.Name}' exited with {exit}");

        var events = File.ReadLines(audit).Select(AuditEvent.TryParse).OfType<AuditEvent>().ToList();
        var ladder = BanLadder.Parse(options.Enforcement.EffectiveLadder).Steps
            .Select(step => AuditEvent.DurationText(step is { } d ? (long)d.TotalSeconds : null)).ToList();
        File.Delete(log);
        return ScenarioScore.Of(scenario, traffic, events, ladder);
    }
}
