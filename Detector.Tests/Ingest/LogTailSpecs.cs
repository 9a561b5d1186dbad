using System.Text;
using Detector.Ingest;
using Detector.Ingest.Tail;

namespace Detector.Tests.Ingest;

public sealed class LogTailSpecs
{
    private static string[] Numbered(string prefix, int from, int to) =>
        Enumerable.Range(from, to - from + 1).Select(i => $"{prefix}{i}").ToArray();

    [Fact]
    public async Task Replay_mode_reads_everything_and_completes()
    {
        await using var tail = new LogTailHarness();
        // Megabytes of lines of varying length, so lines straddle the read buffers.
        var lines = Enumerable.Range(0, 40_000).Select(i => $"{{\"n\":{i},\"pad\":\"{new string('x', i % 300)}\"}}").ToArray();
        File.WriteAllText(tail.Path, string.Concat(lines.Select(l => l + "\n")) + "unterminated last line");

        tail.Start(fromStart: true, stopAtEnd: true);
        await tail.Completion.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal([.. lines, "unterminated last line"], tail.Lines);
        var fullBuffers = new FileInfo(tail.Path).Length / LogTailStage.BatchBufferBytes + 1;
        Assert.InRange(tail.BatchBufferSizes.Count, fullBuffers / 2, fullBuffers * 2); // one batch per read buffer, not per line
    }

    [Fact]
    public async Task Replay_of_a_missing_file_fails_with_file_not_found()
    {
        await using var tail = new LogTailHarness();

        tail.Start(fromStart: true, stopAtEnd: true);

        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => tail.Completion.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.Contains(tail.Path, error.Message);
    }

    [Fact]
    public async Task Follow_mode_starts_at_the_end()
    {
        await using var tail = new LogTailHarness();
        tail.Append("old-1", "old-2");

        tail.Follow(fromStart: false);
        await tail.AwaitFileOpened();
        tail.Append("new-1", "new-2");

        Assert.Equal(["new-1", "new-2"], await tail.AwaitLine("new-2"));
    }

    [Fact]
    public async Task Follow_mode_starting_mid_line_skips_the_rest_of_that_line()
    {
        await using var tail = new LogTailHarness();
        tail.AppendText("old-1\nold-2 is still being writ");

        tail.Follow(fromStart: false);
        await tail.AwaitFileOpened();
        tail.Append("ten", "new-1");

        Assert.Equal(["new-1"], await tail.AwaitLine("new-1"));
    }

    [Fact]
    public async Task Rename_rotation_loses_no_line_and_reads_none_twice()
    {
        await using var tail = new LogTailHarness();
        tail.Append(Numbered("line-", 1, 5));
        tail.Follow();
        await tail.AwaitLine("line-5");

        File.Move(tail.Path, tail.PathIn("access.log.1"));
        File.AppendAllLines(tail.PathIn("access.log.1"), Numbered("line-", 6, 7)); // writer not reopened yet
        tail.Append(Numbered("line-", 10, 11));                                   // logrotate 'create' + first writes
        File.AppendAllLines(tail.PathIn("access.log.1"), Numbered("line-", 8, 9)); // late writes to the old file
        tail.Append("line-12", "end");

        Assert.Equal([.. Numbered("line-", 1, 12), "end"], await tail.AwaitLine("end"));
        Assert.Equal(1, tail.Counters.Rotations);
    }

    [Fact]
    public async Task Copytruncate_restarts_from_the_beginning()
    {
        await using var tail = new LogTailHarness();
        tail.Append("a fairly long first line", "a fairly long second line");
        tail.AppendText("partial line from before the truncation");
        tail.Follow();
        await tail.AwaitLine("a fairly long second line");

        File.Copy(tail.Path, tail.PathIn("access.log.1"));
        using (var log = new FileStream(tail.Path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
            log.SetLength(0);
        tail.Append("after", "end");

        Assert.Equal(["a fairly long first line", "a fairly long second line", "after", "end"], await tail.AwaitLine("end"));
        Assert.Equal(1, tail.Counters.Truncations);
    }

    [Fact]
    public async Task A_truncation_followed_within_one_poll_by_more_data_than_the_old_offset_is_read_from_the_start()
    {
        // A poll a second apart: the truncation and the rewrite below land between two polls, so the tail next sees a
        // file larger than its offset with the same inode (issue 10: 200 of 200 lines were lost, nothing counted).
        await using var tail = new LogTailHarness(pollIntervalMs: 1000);
        tail.Append(Numbered("{\"time\":\"2026-04-29T14:00:00Z\",\"old\":", 1, 200));
        tail.Follow();
        await tail.AwaitLineCount(200);

        var rewritten = Numbered("{\"time\":\"2026-04-29T15:00:00Z\",\"new\":", 1, 400);
        using (var log = new FileStream(tail.Path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
        {
            log.SetLength(0);
            log.Write(System.Text.Encoding.UTF8.GetBytes(string.Concat(rewritten.Select(l => l + "\n"))));
        }

        var lines = await tail.AwaitLine(rewritten[^1]);
        Assert.Equal(rewritten, lines.Skip(200));
        Assert.Equal(1, tail.Counters.Truncations);
    }

    [Fact]
    public async Task Missing_file_is_followed_once_it_appears()
    {
        await using var tail = new LogTailHarness();

        tail.Follow(fromStart: false);
        await Task.Delay(100, TestContext.Current.CancellationToken); // a few polls of a missing file
        tail.Append("first", "second");

        Assert.Equal(["first", "second"], await tail.AwaitLine("second"));
    }

    [Fact]
    public async Task Removed_file_is_drained_and_followed_when_it_reappears()
    {
        await using var tail = new LogTailHarness();
        using var writer = new StreamWriter(new FileStream(tail.Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete)) { AutoFlush = true };
        writer.Write("line-1\nline-2\n");
        tail.Follow();
        await tail.AwaitLine("line-2");

        File.Delete(tail.Path);
        writer.Write("line-3\n"); // the writer still holds the removed file
        await tail.AwaitLine("line-3");
        tail.Append("line-4", "end");

        Assert.Equal(["line-1", "line-2", "line-3", "line-4", "end"], await tail.AwaitLine("end"));
        Assert.Equal(1, tail.Counters.Rotations);
    }

    [Fact]
    public async Task Partial_line_is_held_until_its_newline_arrives()
    {
        await using var tail = new LogTailHarness();
        tail.AppendText("first\nsecond is ha");
        tail.Follow();
        await tail.AwaitLine("first");
        await Task.Delay(100, TestContext.Current.CancellationToken); // let the tail poll over the partial line

        tail.AppendText("lf done\nend\n");

        Assert.Equal(["first", "second is half done", "end"], await tail.AwaitLine("end"));
    }

    [Fact]
    public async Task Crlf_is_stripped()
    {
        await using var tail = new LogTailHarness();
        tail.AppendText("one\r\ntwo\r\ninner\rcr\r\nend\n");

        tail.Follow();

        Assert.Equal(["one", "two", "inner\rcr", "end"], await tail.AwaitLine("end"));
    }

    [Fact]
    public async Task Invalid_utf8_passes_through_untouched()
    {
        await using var tail = new LogTailHarness();
        byte[] invalid = [(byte)'{', 0xC3, 0x28, 0xFF, 0xFE, (byte)'}'];
        tail.AppendBytes([.. invalid, (byte)'\n', .. "end\n"u8]);

        tail.Follow();
        await tail.AwaitLine("end");

        Assert.Equal(invalid, tail.RawLines[0]);
    }

    [Fact]
    public async Task Over_long_line_is_skipped_and_counted_with_bounded_memory()
    {
        await using var tail = new LogTailHarness(maxLineBytes: 1024);
        tail.Append("before");
        tail.Follow();
        await tail.AwaitLine("before");

        // Written in pieces, so the tail sees it grow past the limit across polls.
        for (var i = 0; i < 10; i++)
        {
            tail.AppendText(new string('x', 4096));
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
        tail.AppendText("\nafter\n");
        tail.Append(new string('y', 1025), new string('z', 1024), "end");

        var lines = await tail.AwaitLine("end");
        Assert.Equal(["before", "after", new string('z', 1024), "end"], lines);
        Assert.Equal(2, tail.Counters.Malformed(MalformedReason.LineTooLong));
    }

    [Fact]
    public async Task Unreadable_path_does_not_end_the_stream()
    {
        await using var tail = new LogTailHarness();
        Directory.CreateDirectory(tail.Path); // opening a directory fails, even as root

        tail.Follow();
        await Task.Delay(100, TestContext.Current.CancellationToken); // a few failing polls
        Directory.Delete(tail.Path);
        tail.Append("readable now");

        Assert.Equal(["readable now"], await tail.AwaitLine("readable now"));
        Assert.False(tail.Completion.IsCompleted);
    }
}
