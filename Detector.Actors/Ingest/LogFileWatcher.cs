using Detector.Configuration;
using Detector.Ingest.Tail;

namespace Detector.Ingest;

/// <summary>
/// Live: which files now match the access-log patterns that were not followed yet — a virtual host added while the
/// daemon runs. A file that is one already seen under another name (logrotate's rename: <c>site.log</c> became
/// <c>site.log.1</c>; the same device and inode) is never new: its lines were read at its old name. Single-threaded
/// (one stream stage calls it).
/// </summary>
public sealed class LogFileWatcher
{
    private readonly LogOptions _options;
    private readonly HashSet<string> _known;
    private readonly HashSet<FileIdentity> _identities = [];

    /// <param name="following">The files followed from the start (<see cref="LogFiles.Resolve"/>).</param>
    public LogFileWatcher(LogOptions options, IEnumerable<string> following)
    {
        _options = options;
        _known = following.Select(System.IO.Path.GetFullPath).ToHashSet(StringComparer.Ordinal);
        RememberIdentities();
    }

    /// <summary>True when a configured entry is a pattern: only then can a file appear later.</summary>
    public static bool Applies(LogOptions options) =>
        (options.Paths.Count > 0 ? options.Paths : [options.Path]).Any(LogFiles.IsPattern);

    /// <summary>The files that match a pattern now and were neither followed nor seen under another name.</summary>
    public IReadOnlyList<string> NewFiles()
    {
        var found = new List<string>();
        foreach (var path in LogFiles.Resolve(_options, out _))
        {
            var full = System.IO.Path.GetFullPath(path);
            if (!_known.Add(full)) continue;
            if (FileIdentity.OfPath(full) is { } identity && !_identities.Add(identity)) continue;
            found.Add(path);
        }
        RememberIdentities();
        return found;
    }

    /// <summary>What each followed path is now, so that its rotated copy is recognised under a new name later.</summary>
    private void RememberIdentities()
    {
        foreach (var path in _known)
            if (FileIdentity.OfPath(path) is { } identity) _identities.Add(identity);
    }
}
