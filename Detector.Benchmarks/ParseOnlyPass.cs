using System.Diagnostics;
using Detector.Configuration;
using Detector.Ingest;

namespace Detector.Benchmarks;

/// <param name="Parsed">Lines the parser accepted; the rest were malformed.</param>
internal sealed record ParseOnlyResult(long Lines, long Parsed, double Seconds)
{
    public double LinesPerSecond => Lines / Seconds;
}

/// <summary>
/// The ceiling for the pipeline: read the file in 1 MiB chunks, split lines, and parse each with
/// <see cref="LogParser"/> in this process, doing nothing else.
/// </summary>
internal static class ParseOnlyPass
{
    private const int ChunkBytes = 1 << 20;

    public static ParseOnlyResult Run(string path)
    {
        var parser = new LogParser(new LogOptions(), new IngestCounters());
        var stopwatch = Stopwatch.StartNew();
        long lines = 0, parsed = 0;

        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        var buffer = new byte[ChunkBytes];
        var carried = 0; // bytes of an unfinished line kept at the buffer's start
        int read;
        while ((read = file.Read(buffer, carried, buffer.Length - carried)) > 0)
        {
            var filled = carried + read;
            var span = buffer.AsSpan(0, filled);
            var lineStart = 0;
            int newline;
            while ((newline = span[lineStart..].IndexOf((byte)'\n')) >= 0)
            {
                lines++;
                if (parser.TryParse(span.Slice(lineStart, newline), out _)) parsed++;
                lineStart += newline + 1;
            }

            carried = filled - lineStart;
            if (carried == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2); // a line longer than the buffer
            else buffer.AsSpan(lineStart, carried).CopyTo(buffer);
        }
        if (carried > 0)
        {
            lines++;
            if (parser.TryParse(buffer.AsSpan(0, carried), out _)) parsed++;
        }

        return new ParseOnlyResult(lines, parsed, stopwatch.Elapsed.TotalSeconds);
    }
}
