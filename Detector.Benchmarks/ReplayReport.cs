using System.Globalization;

namespace Detector.Benchmarks;

/// <summary>The replay benchmark's figures and the targets they are held to.</summary>
internal sealed class ReplayReport
{
    public const double TargetLinesPerSecond = 500_000;
    public const double TargetRatio = 0.40;
    public const double TargetPeakRssMb = 400;

    private readonly long _requestedLines;
    private readonly DetectorReplayResult _pipeline;
    private readonly ParseOnlyResult? _parseOnly;

    public ReplayReport(long requestedLines, DetectorReplayResult pipeline, ParseOnlyResult? parseOnly)
    {
        _requestedLines = requestedLines;
        _pipeline = pipeline;
        _parseOnly = parseOnly;
    }

    public long Lines => (long?)_pipeline.Number("lines") ?? _requestedLines;

    /// <summary>The detector's own figure when it reports one (excludes process start-up), else lines over wall time.</summary>
    public double PipelineLinesPerSecond => _pipeline.Number("lines_per_s") ?? Lines / _pipeline.WallSeconds;

    public double? Ratio => _parseOnly is null ? null : PipelineLinesPerSecond / _parseOnly.LinesPerSecond;

    public double PeakRssMb => Math.Max(_pipeline.Number("peak_rss_mb") ?? 0, _pipeline.SampledPeakRssMb);

    public bool AllPassed =>
        PipelineLinesPerSecond >= TargetLinesPerSecond && Ratio >= TargetRatio && PeakRssMb <= TargetPeakRssMb;

    public void Print(TextWriter output)
    {
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine();
        output.WriteLine(string.Create(inv, $"lines:                {Lines:N0}"));
        output.WriteLine(string.Create(inv, $"pipeline lines/s:     {PipelineLinesPerSecond:N0}  (detector elapsed {Format(_pipeline.Number("elapsed_s"), "F2")} s, process wall {_pipeline.WallSeconds:F2} s)"));
        output.WriteLine(_parseOnly is null
            ? "parse-only lines/s:   n/a (parser not implemented)"
            : string.Create(inv, $"parse-only lines/s:   {_parseOnly.LinesPerSecond:N0}  ({_parseOnly.Seconds:F2} s, {_parseOnly.Lines - _parseOnly.Parsed:N0} malformed)"));
        output.WriteLine($"ratio:                {Format(Ratio, "F2")}");
        output.WriteLine(string.Create(inv, $"peak RSS MB:          {PeakRssMb:F0}  (reported {Format(_pipeline.Number("peak_rss_mb"), "F0")}, sampled {_pipeline.SampledPeakRssMb:F0})"));
        // Allocation is deterministic where time is not: an A/B on a busy machine still compares it exactly.
        output.WriteLine(string.Create(inv, $"allocated MB:         {Format(_pipeline.Number("allocated_mb"), "F0")}"));
        output.WriteLine();
        output.WriteLine("targets:");
        output.WriteLine(Target($"pipeline >= {TargetLinesPerSecond:N0} lines/s", PipelineLinesPerSecond >= TargetLinesPerSecond));
        output.WriteLine(Target($"ratio >= {TargetRatio:F2}", Ratio >= TargetRatio));
        output.WriteLine(Target($"peak RSS <= {TargetPeakRssMb:F0} MB", PeakRssMb <= TargetPeakRssMb));
    }

    private static string Target(string name, bool passed) => $"  {name,-32} {(passed ? "PASS" : "MISS")}";

    private static string Format(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "n/a";
}
