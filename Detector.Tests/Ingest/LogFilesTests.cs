using Detector.Configuration;
using Detector.Ingest;

namespace Detector.Tests.Ingest;

public sealed class LogFilesTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("log-files-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Touch(string name)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, "");
        return path;
    }

    [Fact]
    public void A_pattern_expands_to_the_matching_files_sorted_and_a_file_named_twice_counts_once()
    {
        var b = Touch("b.access.log");
        var a = Touch("a.access.log");
        Touch("a.access.log.1");
        Touch("error.log");

        var files = LogFiles.Resolve(new LogOptions { Paths = [Path.Combine(_dir.FullName, "*.access.log"), a] }, out var problems);

        Assert.Empty(problems);
        Assert.Equal([a, b], files);
    }

    [Fact]
    public void Without_paths_the_single_path_is_followed_even_before_it_exists()
    {
        var missing = Path.Combine(_dir.FullName, "later.log");

        Assert.Equal([missing], LogFiles.Resolve(new LogOptions { Path = missing }, out var problems));
        Assert.Empty(problems);
    }

    [Fact]
    public void A_pattern_matching_nothing_or_with_wildcards_in_a_directory_is_a_problem()
    {
        LogFiles.Resolve(new LogOptions { Paths = [Path.Combine(_dir.FullName, "*.json"), "/var/log/*/access.log"] }, out var problems);

        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.Contains("matches no file", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("file name only", StringComparison.Ordinal));
    }
}
