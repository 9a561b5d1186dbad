using Detector.Ingest.Parsing;

namespace Detector.Ingest.Formats;

/// <summary>
/// The strings an entry carries (method, path, user agent), taken from bounded pools so a value seen again costs no
/// allocation. One instance per <see cref="LogParser"/>, shared by its format parsers. Not thread-safe.
/// </summary>
internal sealed class EntryStrings
{
    private const int PoolCapacity = 4096;

    private readonly Utf8StringPool _paths = new(PoolCapacity);
    private readonly Utf8StringPool _userAgents = new(PoolCapacity);
    private readonly Utf8StringPool _otherMethods = new(256, maxBytes: 64);

    /// <summary>"-" when absent.</summary>
    public string Method(ReadOnlySpan<byte> method) =>
        method.IsEmpty ? "-" : HttpMethods.Known(method) ?? _otherMethods.Get(method);

    /// <summary>"-" when absent.</summary>
    public string Path(ReadOnlySpan<byte> path) => path.IsEmpty ? "-" : _paths.Get(path);

    /// <summary>"-" when absent.</summary>
    public string UserAgent(ReadOnlySpan<byte> agent) => agent.IsEmpty ? "-" : _userAgents.Get(agent);
}
