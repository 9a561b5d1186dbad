using System.Buffers;
using System.Text;
using System.Text.Unicode;
using Detector.Configuration;
using Detector.Domain;
using Detector.Ingest.Formats;
using Detector.Ingest.Parsing;

namespace Detector.Ingest;

/// <summary>
/// Turns one file's log lines into entries, in the file's format (<see cref="LogFormat"/>; detected from the first line
/// that parses when <see cref="LogOptions.Format"/> is auto) by that format's <see cref="IFormatParser"/>. Checks what
/// every format shares first: the length bound and UTF-8. Bad lines are counted by reason in
/// <see cref="IngestCounters"/> and a bounded number per minute are sampled to the log callback; they never throw.
/// Not thread-safe (string pools, buffers); use one instance per stream stage, sharing the file's
/// <see cref="LogFormatChoice"/> between the instances that parse one file.
/// </summary>
/// <remarks>
/// A line with invalid UTF-8 is counted as <see cref="MalformedReason.InvalidUtf8"/>, but if it is
/// otherwise a good entry it is still returned (bad bytes shown as U+FFFD): servers copy header and
/// URI bytes into the log as sent, so dropping such lines would let a client hide its requests from
/// detection just by sending one non-UTF-8 byte in its User-Agent.
/// </remarks>
public sealed class LogParser
{
    private readonly IngestCounters _counters;
    private readonly MalformedSampler _sampler;
    private readonly int _maxLineBytes;
    private readonly LogFormatChoice _format;
    private readonly IFormatParser?[] _parsers = new IFormatParser?[Enum.GetValues<LogFormat>().Length];
    private readonly Dictionary<string, string> _fieldMap;
    private readonly EntryStrings _strings = new();
    // The parser of the fixed format; null while detecting.
    private IFormatParser? _fixed;
    private byte[] _repaired = [];

    /// <param name="sample">Receives (reason, line text truncated to 200 chars) for sampled malformed lines.</param>
    /// <exception cref="ArgumentException">The FieldMap names an unknown canonical field.</exception>
    public LogParser(LogOptions options, IngestCounters counters, Action<MalformedReason, string>? sample = null)
        : this(options, counters, sample, TimeProvider.System)
    {
    }

    /// <param name="sampleClock">Wall clock that delimits the sampling minutes.</param>
    /// <param name="format">The file's format, shared by the parsers of one file; null: a fresh one from the options.</param>
    public LogParser(LogOptions options, IngestCounters counters, Action<MalformedReason, string>? sample, TimeProvider sampleClock,
        LogFormatChoice? format = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _counters = counters ?? throw new ArgumentNullException(nameof(counters));
        _fieldMap = options.FieldMap;
        _format = format ?? new LogFormatChoice(options.Format);
        // Built now so that a bad FieldMap fails at start, not on the first line.
        ParserFor(LogFormat.Json);
        _sampler = new MalformedSampler(options.MalformedSamplesPerMinute, sampleClock, sample);
        _maxLineBytes = options.MaxLineBytes > 0 ? options.MaxLineBytes : int.MaxValue;
    }

    /// <summary>The file's format: <see cref="LogFormat.Auto"/> until a line has parsed.</summary>
    public LogFormat Format => _format.Format;

    /// <summary>Parses one line. False (and counted) when malformed.</summary>
    public bool TryParse(ReadOnlySpan<byte> line, out AccessLogEntry entry)
    {
        MalformedReason? reason;
        if (line.Length > _maxLineBytes)
        {
            entry = default;
            reason = MalformedReason.LineTooLong;
        }
        else if (Utf8.IsValid(line))
        {
            reason = ParseValid(line, out entry);
        }
        else
        {
            Reject(MalformedReason.InvalidUtf8, line);
            return ParseValid(RepairUtf8(line), out entry) is null;
        }

        if (reason is null) return true;
        Reject(reason.Value, line);
        return false;
    }

    /// <summary>Parses all lines of a batch; counts lines, entries and malformed.</summary>
    public EntryBatch Parse(LineBatch batch)
    {
        if (batch.IsCaughtUp) return EntryBatch.CaughtUp;
        var entries = batch.Count == 0 ? [] : new AccessLogEntry[batch.Count];
        var count = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            if (!TryParse(batch.Line(i), out var entry)) continue;
            entries[count++] = entry;
        }
        _counters.AddLines(batch.Count);
        _counters.AddEntries(count);
        // The newest event time (the lag figure) is the clock's to set, from lines it accepted: a line dated 9999
        // must not make the daemon look years ahead (EventClock, TimePlausibility).
        return new EntryBatch(entries, count);
    }

    private MalformedReason? ParseValid(ReadOnlySpan<byte> line, out AccessLogEntry entry)
    {
        if (_fixed is not null) return _fixed.Parse(line, out entry);
        var known = _format.Format;
        if (known != LogFormat.Auto)
        {
            _fixed = ParserFor(known);
            return _fixed.Parse(line, out entry);
        }
        // Detecting: the line's candidate format becomes the file's once a line parses under it.
        var candidate = LogFormatDetector.Candidate(line);
        var reason = ParserFor(candidate).Parse(line, out entry);
        if (reason is null) _fixed = ParserFor(_format.Fix(candidate));
        return reason;
    }

    private IFormatParser ParserFor(LogFormat format) =>
        _parsers[(int)format] ??= format switch
        {
            LogFormat.Json => new JsonLineParser(new FieldAliasTable(_fieldMap), _strings),
            LogFormat.TraefikJson => new JsonLineParser(new FieldAliasTable(_fieldMap, FieldAliasTable.Traefik), _strings),
            LogFormat.CaddyJson => new CaddyJsonParser(_strings),
            LogFormat.Combined or LogFormat.TraefikClf => new CombinedLineParser(vhostPrefix: false, _strings),
            LogFormat.VhostCombined => new CombinedLineParser(vhostPrefix: true, _strings),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
        };

    private void Reject(MalformedReason reason, ReadOnlySpan<byte> line)
    {
        _counters.AddMalformed(reason);
        _sampler.Offer(reason, line);
    }

    /// <summary>A copy of the line with each invalid UTF-8 sequence replaced by U+FFFD.</summary>
    private ReadOnlySpan<byte> RepairUtf8(ReadOnlySpan<byte> line)
    {
        // Each invalid byte becomes at most 3 bytes.
        if (_repaired.Length < line.Length * 3) _repaired = new byte[line.Length * 3];
        var written = 0;
        while (!line.IsEmpty)
        {
            var status = Rune.DecodeFromUtf8(line, out var rune, out var consumed);
            if (status != OperationStatus.Done) rune = Rune.ReplacementChar;
            written += rune.EncodeToUtf8(_repaired.AsSpan(written));
            line = line[consumed..];
        }
        return _repaired.AsSpan(0, written);
    }
}
