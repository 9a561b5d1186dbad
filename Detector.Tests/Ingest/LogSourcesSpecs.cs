using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Detector.Configuration;
using Detector.Domain;
using Detector.Ingest;
using Detector.Tests.Support;

namespace Detector.Tests.Ingest;

/// <summary>Several log files, each with its own tail and format, merged into one stream of entries in event time.</summary>
public sealed class LogSourcesSpecs : IAsyncDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 4, 29, 14, 0, 0, TimeSpan.Zero);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("log-sources-");
    private readonly ActorSystem _system = ActorSystem.Create("log-sources", "akka.loglevel = WARNING");
    private readonly ConcurrentQueue<AccessLogEntry> _entries = new();
    private UniqueKillSwitch? _killSwitch;

    public async ValueTask DisposeAsync()
    {
        _killSwitch?.Shutdown();
        await _system.Terminate();
        _dir.Delete(recursive: true);
    }

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    /// <summary>A combined line whose path names it (file and number) at second <paramref name="second"/> after Start.</summary>
    private static string Combined(string name, int second) =>
        $"203.0.113.9 - - [{Start.AddSeconds(second):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /{name} HTTP/1.1\" 200 5 \"-\" \"-\"";

    private static string Caddy(string name, int second) =>
        $$"""{"ts":{{Start.AddSeconds(second).ToUnixTimeSeconds()}}.25,"request":{"remote_ip":"2001:db8::1","method":"GET","uri":"/{{name}}"},"status":200,"size":5}""";

    private Task Run(LogOptions options, bool stopAtEnd)
    {
        var files = LogFiles.Resolve(options, out var problems);
        Assert.Empty(problems);
        var (killSwitch, done) = LogSources.Create(files, [], options, new IngestCounters(), fromStart: true, stopAtEnd, sample: null)
            .ViaMaterialized(KillSwitches.Single<EntryBatch>(), Keep.Right)
            .ToMaterialized(Sink.ForEach<EntryBatch>(b => { foreach (var e in b.Span) _entries.Enqueue(e); }), Keep.Both)
            .Run(_system.Materializer());
        _killSwitch = killSwitch;
        return done;
    }

    [Fact]
    public async Task A_replay_of_two_files_in_different_formats_with_gaps_comes_out_in_event_time()
    {
        // A busy Nginx vhost and a Caddy site that is quiet for an hour in the middle: thousands of lines, many batches each.
        var busy = Enumerable.Range(0, 6000).Select(i => Combined($"busy/{i}", i)).ToList();
        var quiet = Enumerable.Range(0, 3000).Select(i => i < 1500 ? i * 2 : 4000 + i).Select(s => Caddy($"quiet/{s}", s)).ToList();
        File.WriteAllLines(PathOf("busy.access.log"), busy);
        File.WriteAllLines(PathOf("quiet.access.log"), quiet);

        await Run(new LogOptions { Paths = [PathOf("*.access.log")] }, stopAtEnd: true);

        var entries = _entries.ToList();
        Assert.Equal(busy.Count + quiet.Count, entries.Count);
        Assert.Equal(entries.Count, entries.Select(e => e.Path).Distinct().Count());
        Assert.Equal(entries.Select(e => e.TimeMs).Order(), entries.Select(e => e.TimeMs));
    }

    [Fact]
    public async Task Following_two_files_while_one_is_rotated_loses_no_line_and_repeats_none_and_an_idle_one_holds_nothing_back()
    {
        var a = PathOf("a.log");
        var b = PathOf("b.log");
        File.WriteAllLines(a, Enumerable.Range(0, 100).Select(i => Combined($"a/{i}", i)));
        File.WriteAllLines(b, Enumerable.Range(0, 50).Select(i => Caddy($"b/{i}", i)));
        _ = Run(new LogOptions { Paths = [a, b], PollIntervalMs = 20 }, stopAtEnd: false);
        await Until(() => _entries.Count == 150, "the first 150 lines");

        // logrotate's default: rename, then a new file at the path; the writer still appends to the old one for a moment.
        File.Move(a, a + ".1");
        File.AppendAllLines(a + ".1", Enumerable.Range(100, 20).Select(i => Combined($"a/{i}", i)));
        File.WriteAllLines(a, Enumerable.Range(120, 80).Select(i => Combined($"a/{i}", i)));
        // b stays idle from here on: a's new lines must still come through.
        await Until(() => _entries.Count == 250, "a's lines after the rotation, with b idle");
        File.AppendAllLines(b, Enumerable.Range(200, 10).Select(i => Caddy($"b/{i}", i)));
        await Until(() => _entries.Count == 260, "b's late lines");

        var paths = _entries.Select(e => e.Path).ToList();
        Assert.Equal(260, paths.Distinct().Count());
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"/a/{i}"), paths.Where(p => p.StartsWith("/a/", StringComparison.Ordinal)));
        Assert.Equal(Enumerable.Range(0, 50).Concat(Enumerable.Range(200, 10)).Select(i => $"/b/{i}"),
            paths.Where(p => p.StartsWith("/b/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Following_a_pattern_picks_up_a_file_created_later_and_reads_it_from_its_start()
    {
        File.WriteAllLines(PathOf("a.access.log"), Enumerable.Range(0, 10).Select(i => Combined($"a/{i}", i)));
        _ = Run(new LogOptions { Paths = [PathOf("*.access.log")], PollIntervalMs = 20, RescanSeconds = 1 }, stopAtEnd: false);
        await Until(() => _entries.Count == 10, "a's lines");

        // A virtual host added while running: what it wrote before the next rescan is read too, then what follows.
        File.WriteAllLines(PathOf("b.access.log"), Enumerable.Range(0, 5).Select(i => Caddy($"b/{i}", 20 + i)));
        await Until(() => _entries.Count == 15, "the new file's first lines");
        File.AppendAllLines(PathOf("b.access.log"), [Caddy("b/5", 30)]);
        File.AppendAllLines(PathOf("a.access.log"), [Combined("a/10", 31)]);
        await Until(() => _entries.Count == 17, "both files' next lines");

        Assert.Equal(17, _entries.Select(e => e.Path).Distinct().Count());
    }

    private static Task Until(Func<bool> condition, string what) => Eventually.True(condition, TimeSpan.FromSeconds(15), what);
}
