using System.Text;

namespace Detector.Ingest.Parsing;

/// <summary>
/// Passes at most <c>perMinute</c> malformed lines per calendar minute (of <see cref="TimeProvider"/>
/// wall time) to the sink, so a broken log format is visible without flooding the log.
/// </summary>
internal sealed class MalformedSampler(int perMinute, TimeProvider time, Action<MalformedReason, string>? sink)
{
    public const int MaxPreviewChars = 200;

    private long _minute = long.MinValue;
    private int _taken;

    public void Offer(MalformedReason reason, ReadOnlySpan<byte> line)
    {
        if (sink is null || perMinute <= 0) return;
        var minute = time.GetUtcNow().ToUnixTimeSeconds() / 60;
        if (minute != _minute)
        {
            _minute = minute;
            _taken = 0;
        }
        if (_taken >= perMinute) return;
        _taken++;
        sink(reason, Preview(line));
    }

    /// <summary>The line as text: invalid UTF-8 replaced, control characters shown as '?', at most 200 chars.</summary>
    internal static string Preview(ReadOnlySpan<byte> line)
    {
        // 4 bytes per char at most, so this prefix always holds the first 200 chars.
        var text = Encoding.UTF8.GetString(line[..Math.Min(line.Length, MaxPreviewChars * 4)]);
        var length = Math.Min(text.Length, MaxPreviewChars);
        if (length < text.Length && char.IsHighSurrogate(text[length - 1])) length--;
        return string.Create(length, text, static (span, source) =>
        {
            for (var i = 0; i < span.Length; i++)
                span[i] = char.IsControl(source[i]) ? '?' : source[i];
        });
    }
}
