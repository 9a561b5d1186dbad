using System.Text;
using Detector.Ingest;
using Detector.Ingest.Tail;

namespace Detector.Tests.Ingest.Tail;

public sealed class LogTailLineAssemblerTests
{
    private readonly IngestCounters _counters = new();

    private static string[] Feed(LineAssembler assembler, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var buffer = assembler.NextBuffer(bytes.Length, out var offset);
        bytes.CopyTo(buffer, offset);
        return Lines(assembler.Split(buffer, offset + bytes.Length));
    }

    private static string[] Lines(LineBatch? batch) =>
        batch is null ? [] : Enumerable.Range(0, batch.Count).Select(i => Encoding.UTF8.GetString(batch.Line(i))).ToArray();

    [Fact]
    public void Line_split_across_reads_is_emitted_once_whole()
    {
        var assembler = new LineAssembler(1024, _counters);

        Assert.Equal(["one"], Feed(assembler, "one\ntw"));
        Assert.Equal([], Feed(assembler, "o and"));
        Assert.Equal(["two and three", "four"], Feed(assembler, " three\r\nfour\nfi"));
        Assert.Equal(2, assembler.PendingLength);
    }

    [Fact]
    public void Over_long_partial_line_is_never_buffered_beyond_the_limit()
    {
        var assembler = new LineAssembler(1024, _counters);
        var chunk = new string('x', 4000);

        for (var i = 0; i < 256; i++) // 1 MB without a newline
        {
            Assert.Equal([], Feed(assembler, chunk));
            Assert.True(assembler.PendingLength <= 1025);
        }
        Assert.Equal(["ok"], Feed(assembler, "xxx\nok\n"));
        Assert.Equal(1, _counters.Malformed(MalformedReason.LineTooLong));
    }

    [Fact]
    public void Line_of_exactly_the_limit_is_kept_even_with_a_cr()
    {
        var assembler = new LineAssembler(8, _counters);

        Assert.Equal([], Feed(assembler, "12345678\r"));
        Assert.Equal(["12345678", "abc"], Feed(assembler, "\nabc\n123456789\n"));
        Assert.Equal(1, _counters.Malformed(MalformedReason.LineTooLong));
    }

    [Fact]
    public void Flush_turns_the_unterminated_last_line_into_a_line()
    {
        var assembler = new LineAssembler(1024, _counters);
        Feed(assembler, "one\nlast");

        Assert.Equal(["last"], Lines(assembler.Flush()));
        Assert.Null(assembler.Flush());
    }

    [Fact]
    public void Reset_drops_the_partial_line()
    {
        var assembler = new LineAssembler(1024, _counters);
        Feed(assembler, "one\nhalf");

        assembler.Reset();

        Assert.Equal(["fresh"], Feed(assembler, "fresh\n"));
    }
}
