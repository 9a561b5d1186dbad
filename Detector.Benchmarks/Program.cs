using BenchmarkDotNet.Running;
using Detector.Benchmarks;

// replay: end-to-end throughput of the detector process against a parse-only pass (see ReplayBenchmark).
// replay-churn / live-churn: every request from a new address (issue 10): peak RSS, and live the API's latency and
// the memory returned after quiet.
// parse: parse-only throughput per log format on the same traffic (see ParseBenchmark).
// scenarios: the seeded detection-quality families (N seeds each); prints distributions, writes docs/detection-quality.md.
// ban-latency: first flood request logged -> attacker's packets dropped, in the netns Docker-host topology (root).
// micro:  BenchmarkDotNet micro-benchmarks, only on request; extra arguments go to BenchmarkDotNet.
return args.FirstOrDefault() switch
{
    "replay" => ReplayBenchmark.Run(ReplayOptions.Parse(args[1..])),
    "replay-churn" => ReplayChurnBenchmark.Run(args[1..]),
    "live-churn" => await LiveChurnBenchmark.RunAsync(args[1..]),
    "parse" => ParseBenchmark.Run(ParseOptions.Parse(args[1..])),
    "ban-latency" => await BanLatencyBenchmark.RunAsync(BanLatencyOptions.Parse(args[1..])),
    "micro" => RunMicro(args[1..]),
    "scenarios" => await ScenarioSuite.RunAsync(args[1..]),
    _ => Usage(),
};

static int RunMicro(string[] args)
{
    BenchmarkSwitcher.FromTypes([typeof(ParserBenchmarks)]).Run(args.Length == 0 ? ["--filter", "*"] : args);
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("""
        usage: dotnet run -c Release --project Detector.Benchmarks -- <verb>
          replay [--lines N] [--keep]   generate a synthetic log (default 1,000,000 lines), replay it through
                                        the detector process and compare with a parse-only pass
          replay-churn [--addresses 1000000] [--seconds 300] [--keep]
                                        replay a log in which every request comes from a new IPv6 address, one flooder
                                        among them: peak RSS (target <= 400 MB) and the flooder banned
          live-churn [--addresses 1000000] [--rate 5000] [--quiet-minutes 10] [--port 18480]
                                        the daemon following a log written in real time, each request from a new
                                        address: peak RSS (<= 1.5 GB), /api/status p99 (<= 1 s), no pipeline failure,
                                        RSS under 500 MB within the quiet minutes, the flooder banned
          parse [--lines N] [--format F]... [--rounds 3]
                                        parse-only lines/s per log format (json, combined, vhost_combined, caddy,
                                        traefik_json, traefik_clf; all by default) on the replay log rewritten per format
          scenarios [--seeds 20] [--first-seed 1000] [--family NAME] [--original] [--parallel P] [--verbose]
                    [--generate-only] [--no-docs] [FILE]
                                        replay N seeds of every scenario family (reporting seeds from 1000; tuning seeds are
                                        1-99), print each family's distribution and worst seed, write the family table to
                                        docs/detection-quality.md (with --original, the original rules' results beside it;
                                        only when every family ran); --generate-only measures generation speed
          ban-latency [--runs 20] [--reconcile 100000]
                                        root: flood through a Docker-published port in network namespaces, time from the
                                        first flood request logged to the attacker's packets dropped (p50/p99), then an
                                        ipset reconcile of N bans
          micro [BenchmarkDotNet args]  parser micro-benchmarks
        """);
    return 1;
}
