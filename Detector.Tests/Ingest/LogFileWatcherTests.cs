using Detector.Configuration;
using Detector.Ingest;

namespace Detector.Tests.Ingest;

/// <summary>Which files matching the patterns are new while running: asked directly, with real files.</summary>
public sealed class LogFileWatcherTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("log-watcher-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    private LogOptions Pattern(string pattern) => new() { Paths = [PathOf(pattern)] };

    [Fact]
    public void A_file_created_later_is_new_once()
    {
        File.WriteAllText(PathOf("a.log"), "");
        var options = Pattern("*.log");
        var watcher = new LogFileWatcher(options, LogFiles.Resolve(options, out _));
        Assert.Empty(watcher.NewFiles());

        File.WriteAllText(PathOf("b.log"), "");

        Assert.Equal([PathOf("b.log")], watcher.NewFiles());
        Assert.Empty(watcher.NewFiles());
    }

    [Fact]
    public void A_followed_file_renamed_by_logrotate_to_a_matching_name_is_not_new()
    {
        File.WriteAllText(PathOf("site.log"), "x\n");
        var options = Pattern("site.log*");   // a careless pattern that also matches rotated files
        var watcher = new LogFileWatcher(options, LogFiles.Resolve(options, out _));

        File.Move(PathOf("site.log"), PathOf("site.log.1"));
        File.WriteAllText(PathOf("site.log"), "");

        Assert.Empty(watcher.NewFiles());
    }

    [Fact]
    public void Only_patterns_can_bring_new_files()
    {
        Assert.False(LogFileWatcher.Applies(new LogOptions { Paths = [PathOf("a.log"), PathOf("b.log")] }));
        Assert.True(LogFileWatcher.Applies(new LogOptions { Paths = [PathOf("a.log"), PathOf("*.access.log")] }));
        Assert.False(LogFileWatcher.Applies(new LogOptions { Path = PathOf("a.log") }));
    }
}
