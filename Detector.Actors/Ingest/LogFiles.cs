using Detector.Configuration;

namespace Detector.Ingest;

/// <summary>
/// Which files the detector follows: <see cref="LogOptions.Paths"/> when set (<c>--log</c> repeated), else
/// <see cref="LogOptions.Path"/>. An entry with <c>*</c> or <c>?</c> in its file name is a pattern, expanded once at
/// start to the matching files, sorted (one file per virtual host); live, a file created later that matches is picked up
/// by <see cref="LogFileWatcher"/>.
/// </summary>
public static class LogFiles
{
    private static readonly char[] Wildcards = ['*', '?'];

    /// <param name="problems">Patterns that match nothing or have wildcards outside the file name.</param>
    public static IReadOnlyList<string> Resolve(LogOptions options, out IReadOnlyList<string> problems) =>
        Expand(options.Paths.Count > 0 ? options.Paths : [options.Path], out problems);

    /// <summary>The Nextcloud logs of <see cref="LogOptions.NextcloudLogs"/>, expanded the same way.</summary>
    public static IReadOnlyList<string> ResolveNextcloud(LogOptions options, out IReadOnlyList<string> problems) =>
        Expand(options.NextcloudLogs, out problems);

    private static IReadOnlyList<string> Expand(IReadOnlyList<string> entries, out IReadOnlyList<string> problems)
    {
        var found = new List<string>();
        var errors = new List<string>();
        foreach (var entry in entries)
        {
            if (!IsPattern(entry))
            {
                found.Add(entry);
                continue;
            }
            var directory = System.IO.Path.GetDirectoryName(entry);
            var pattern = System.IO.Path.GetFileName(entry);
            if (string.IsNullOrEmpty(directory)) directory = ".";
            if (directory.IndexOfAny(Wildcards) >= 0)
            {
                errors.Add($"log pattern '{entry}': wildcards are allowed in the file name only.");
                continue;
            }
            var matches = Directory.Exists(directory)
                ? Directory.EnumerateFiles(directory, pattern, new EnumerationOptions { MatchType = MatchType.Simple, RecurseSubdirectories = false })
                    .Order(StringComparer.Ordinal).ToList()
                : [];
            if (matches.Count == 0) errors.Add($"log pattern '{entry}' matches no file.");
            found.AddRange(matches);
        }
        problems = errors;
        return found.DistinctBy(System.IO.Path.GetFullPath).ToList();
    }

    public static bool IsPattern(string entry) => entry.IndexOfAny(Wildcards) >= 0;
}
