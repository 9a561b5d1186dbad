using System.Text;
using Akka.Actor;
using Akka.Event;
using Detector.Domain;

namespace Detector.Audit;

/// <summary>Asks the writer to flush; it replies <see cref="AuditFlushed"/> once everything before is on disk.</summary>
public sealed record FlushAudit
{
    public static readonly FlushAudit Instance = new();
}

public sealed record AuditFlushed
{
    public static readonly AuditFlushed Instance = new();
}

/// <summary>
/// Writes each <see cref="DetectorEvent"/> as its audit line (<see cref="AuditEvent.Of"/>) to the audit file in
/// arrival order, then republishes the typed event on the event stream, where Slack, the API feed and the console
/// subscribe and format what they need. Buffered; flushed on request and after each burst.
/// </summary>
/// <remarks>
/// Why producers tell this actor rather than publish on the event stream themselves: its mailbox is the one order
/// of all events (coordinator, enforcement and firewall each send from their own thread), so the audit file and
/// every subscriber see the same sequence, and a replay's audit stays byte-identical. An event is on its way to
/// disk before anyone hears of it, and <see cref="FlushAudit"/> answered means every event before it has been
/// published (tests and the replay command rely on that).
/// </remarks>
public sealed class AuditWriter : ReceiveActor
{
    private readonly StreamWriter? _writer;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    /// <summary>A failing disk fails every write: a few lines a minute, with how many were left out.</summary>
    private readonly LogThrottle _errors = new(perPeriod: 5, periodMs: 60_000);
    private bool _dirty;

    public AuditWriter(string? path)
    {
        if (path is not null)
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (directory is not null) Directory.CreateDirectory(directory);
            _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false), 64 * 1024)
            {
                NewLine = "\n",
            };
        }

        Receive<DetectorEvent>(Write);
        Receive<FlushAudit>(_ =>
        {
            Flush();
            Sender.Tell(AuditFlushed.Instance);
        });
        Receive<FlushIfDirty>(_ => Flush());
    }

    public static Props Props(string? path) => Akka.Actor.Props.Create(() => new AuditWriter(path));

    private void Write(DetectorEvent e)
    {
        if (_writer is not null)
        {
            var line = AuditEvent.Of(e).Format();
            try
            {
                _writer.WriteLine(line);
            }
            catch (IOException ex)
            {
                if (_errors.TryLog(Environment.TickCount64, out var suppressed))
                    _log.Error(ex, "Audit log write failed ({Suppressed} similar errors not logged): {Line}", suppressed, line);
            }
        }
        if (!_dirty)
        {
            _dirty = true;
            Self.Tell(FlushIfDirty.Instance);
        }
        Context.System.EventStream.Publish(e);
    }

    private void Flush()
    {
        _dirty = false;
        try
        {
            _writer?.Flush();
        }
        catch (IOException ex)
        {
            if (_errors.TryLog(Environment.TickCount64, out var suppressed))
                _log.Error(ex, "Audit log flush failed ({Suppressed} similar errors not logged)", suppressed);
        }
    }

    protected override void PostStop()
    {
        Flush();
        _writer?.Dispose();
    }

    private sealed class FlushIfDirty
    {
        public static readonly FlushIfDirty Instance = new();
    }
}
