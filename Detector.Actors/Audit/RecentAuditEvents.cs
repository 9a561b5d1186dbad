using Akka.Actor;
using Detector.Domain;

namespace Detector.Audit;

/// <summary>The last <see cref="Capacity"/> audited events in the audit's order, for the API and the dashboard. Thread-safe.</summary>
public sealed class RecentAuditEvents(int capacity = RecentAuditEvents.DefaultCapacity)
{
    public const int DefaultCapacity = 1000;

    private readonly Queue<DetectorEvent> _events = new(capacity);
    private readonly Lock _lock = new();

    public int Capacity => capacity;

    public void Add(DetectorEvent e)
    {
        lock (_lock)
        {
            if (_events.Count == capacity) _events.Dequeue();
            _events.Enqueue(e);
        }
    }

    /// <summary>The newest <paramref name="limit"/> events at or after <paramref name="since"/> (Unix seconds), oldest first.</summary>
    public IReadOnlyList<DetectorEvent> Since(long? since, int limit)
    {
        lock (_lock)
        {
            var matching = since is { } s ? _events.Where(e => e.At >= s).ToList() : _events.ToList();
            return matching.Count > limit ? matching.GetRange(matching.Count - limit, limit) : matching;
        }
    }
}

/// <summary>Copies every event the audit writer publishes on the event stream into <see cref="RecentAuditEvents"/>.</summary>
public sealed class RecentAuditRecorder : ReceiveActor
{
    public RecentAuditRecorder(RecentAuditEvents buffer)
    {
        Receive<DetectorEvent>(buffer.Add);
    }

    public static Props Props(RecentAuditEvents buffer) => Akka.Actor.Props.Create(() => new RecentAuditRecorder(buffer));

    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(DetectorEvent));

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);
}
