using System.Text;
using BenchmarkDotNet.Attributes;
using Detector.Configuration;
using Detector.Ingest;
using Detector.Simulation;

namespace Detector.Benchmarks;

/// <summary>Parser cost per line on realistic synthetic lines (run with the <c>micro</c> verb).</summary>
[MemoryDiagnoser]
public class ParserBenchmarks
{
    private const int LineCount = 10_000;
    private byte[][] _lines = [];
    private LogParser _parser = null!;

    [GlobalSetup]
    public void Setup()
    {
        _lines = BenchmarkLog.Scenario().Generate().Take(LineCount).Select(l => Encoding.UTF8.GetBytes(l.Json)).ToArray();
        _parser = new LogParser(new LogOptions(), new IngestCounters());
    }

    [Benchmark(OperationsPerInvoke = LineCount)]
    public int TryParse()
    {
        var parsed = 0;
        foreach (var line in _lines)
        {
            if (_parser.TryParse(line, out _)) parsed++;
        }
        return parsed;
    }
}
