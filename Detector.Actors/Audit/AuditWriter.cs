using System.Text;
using Akka.Actor;
using Akka.Event;

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
/// Appends audit lines to the audit file in arrival order and republishes each event on the event stream
/// (console, alerts and the API subscribe there). Buffered; flushed on request and after each burst.
/// </summary>
public sealed class AuditWriter : ReceiveActor
{
    private readonly StreamWriter? _writer;
    private readonly ILoggingAdapter _log = Context.GetLogger();
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

        Receive<AuditEvent>(Write);
        Receive<FlushAudit>(_ =>
        {
            Flush();
            Sender.Tell(AuditFlushed.Instance);
        });
        Receive<FlushIfDirty>(_ => Flush());
    }

    public static Props Props(string? path) => Akka.Actor.Props.Create(() => new AuditWriter(path));

    private void Write(AuditEvent e)
    {
        try
        {
            _writer?.WriteLine(e.Format());
        }
        catch (IOException ex)
        {
            _log.Error(ex, "Audit log write failed: {Line}", e.Format());
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
            _log.Error(ex, "Audit log flush failed");
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
