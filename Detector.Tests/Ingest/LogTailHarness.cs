using System.Collections.Concurrent;
using System.Text;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Detector.Configuration;
using Detector.Ingest;

namespace Detector.Tests.Ingest;

/// <summary>A log file in a temp dir, a LogTail on it, and the lines it emitted so far.</summary>
internal sealed class LogTailHarness : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly string _dir = Directory.CreateTempSubdirectory("logtail-").FullName;
    private readonly ConcurrentQueue<byte[]> _lines = new();
    private readonly ConcurrentQueue<int> _batchBufferSizes = new();
    private ActorSystem? _system;
    private UniqueKillSwitch? _killSwitch;

    public LogTailHarness(int maxLineBytes = 64 * 1024, int pollIntervalMs = 20)
    {
        Options = new LogOptions { Path = System.IO.Path.Combine(_dir, "access.log"), PollIntervalMs = pollIntervalMs, MaxLineBytes = maxLineBytes };
    }

    public LogOptions Options { get; }
    public string Path => Options.Path;
    public IngestCounters Counters { get; } = new();
    public Task Completion { get; private set; } = Task.CompletedTask;

    public IReadOnlyList<byte[]> RawLines => _lines.ToArray();
    public IReadOnlyList<string> Lines => _lines.Select(l => Encoding.UTF8.GetString(l)).ToArray();
    public IReadOnlyList<int> BatchBufferSizes => _batchBufferSizes.ToArray();

    public string PathIn(string name) => System.IO.Path.Combine(_dir, name);

    public void Start(bool fromStart, bool stopAtEnd)
    {
        _system = ActorSystem.Create("logtail", "akka.loglevel = WARNING");
        var (killSwitch, done) = LogTail.Create(Options, Counters, fromStart, stopAtEnd)
            .ViaMaterialized(KillSwitches.Single<LineBatch>(), Keep.Right)
            .ToMaterialized(Sink.ForEach<LineBatch>(Collect), Keep.Both)
            .Run(_system.Materializer());
        _killSwitch = killSwitch;
        Completion = done;
    }

    public void Follow(bool fromStart = true) => Start(fromStart, stopAtEnd: false);

    public void Append(params string[] lines) => AppendText(string.Concat(lines.Select(l => l + "\n")));

    public void AppendText(string text) => File.AppendAllText(Path, text);

    public void AppendBytes(byte[] bytes)
    {
        using var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        stream.Write(bytes);
    }

    /// <summary>Waits until a line equal to <paramref name="last"/> was emitted; returns all lines so far.</summary>
    public async Task<IReadOnlyList<string>> AwaitLine(string last)
    {
        await Eventually(() => Lines.Contains(last), $"line '{last}'");
        return Lines;
    }

    public Task AwaitLineCount(int count) => Eventually(() => _lines.Count >= count, $"{count} lines");

    /// <summary>Waits until the tail holds the log file open (seen in /proc/self/fd).</summary>
    public Task AwaitFileOpened() => Eventually(IsFileOpen, "the tail to open the log file");

    public static async Task Eventually(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for {what}");
            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _killSwitch?.Shutdown();
        if (_system is not null) await _system.Terminate();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private void Collect(LineBatch batch)
    {
        _batchBufferSizes.Enqueue(batch.Buffer.Length);
        for (var i = 0; i < batch.Count; i++) _lines.Enqueue(batch.Line(i).ToArray());
    }

    private bool IsFileOpen()
    {
        foreach (var fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget == Path) return true;
            }
            catch (IOException) { }
        }
        return false;
    }
}
