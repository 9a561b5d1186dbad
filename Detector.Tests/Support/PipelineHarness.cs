using Akka.Actor;
using Akka.Hosting;
using Detector.Audit;
using Detector.Configuration;
using Detector.Pipeline;
using Detector.Enforcement;
using Detector.Enforcement.Persistence;
using Detector.Hosting;
using Detector.Ingest;
using Detector.Ingest.Clock;
using Detector.IpWindows;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Detector.Domain;

namespace Detector.Tests.Support;

/// <summary>
/// The actor side of the pipeline composed with the production builder extensions (local IP windows), with a
/// recording firewall and a coordinator driven directly with entry batches in replay time.
/// </summary>
public sealed class PipelineHarness : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly IActorRef _recorder;

    public DetectorOptions Options { get; }
    /// <summary>What enforcement asked of the firewall (empty when another firewall was given).</summary>
    public RecordingFirewall Firewall { get; }
    public DetectionCoordinator Coordinator { get; }
    public DetectionStats Stats { get; } = new();
    public IngestCounters Counters { get; } = new();
    public ActorSystem System { get; }
    public IActorRef Audit { get; }
    public IActorRef Enforcement { get; }

    /// <summary>The enforcement actor's firewall child (tests send it <see cref="ReconcileFirewall"/>). Asked until found:
    /// the enforcement actor creates it in its constructor, which may not have run yet.</summary>
    public Task<IActorRef> FirewallActorAsync() =>
        Eventually.UntilAsync(async () =>
        {
            var identity = await System.ActorSelection(Enforcement.Path.Child("firewall")).Ask<ActorIdentity>(new Identify(null), TimeSpan.FromSeconds(10));
            return identity.Subject;
        }, TimeSpan.FromSeconds(30), "the firewall actor");

    private PipelineHarness(IHost host, DetectorOptions options, RecordingFirewall firewall, EventClockSetup clock)
    {
        _host = host;
        Options = options;
        Firewall = firewall;
        System = host.Services.GetRequiredService<ActorSystem>();
        var registry = host.Services.GetRequiredService<ActorRegistry>();
        Audit = registry.Get<AuditWriter>();
        _recorder = System.ActorOf(Props.Create<AuditRecorder>());
        System.EventStream.Subscribe(_recorder, typeof(DetectorEvent));
        Enforcement = registry.Get<EnforcementActor>();
        var actors = new DetectionActors(registry.Get<IpWindowActor>(), registry.Get<ReplyCollector>(), Enforcement, Audit);
        Coordinator = new DetectionCoordinator(options, actors, new EventClock(clock.Mode, options.Clock, Counters, clock.WallClock), Stats);
    }

    /// <param name="ledger">Where the offender ledger persists; in memory by default.</param>
    /// <param name="firewall">The firewall enforcement applies through; a recording one (which counts as
    /// enforcing) by default.</param>
    /// <param name="firewalls">Several backends at once instead (one firewall actor each, <c>firewall-NAME</c>).</param>
    /// <param name="clock">Replay time by default; live mode with a wall clock the test sets.</param>
    /// <param name="hostAddresses">This host's addresses as enforcement reads them; the machine's interfaces by default.</param>
    public static async Task<PipelineHarness> StartAsync(DetectorOptions? options = null, LedgerPersistence? ledger = null, IFirewall? firewall = null,
        EventClockSetup? clock = null, IHostAddressSource? hostAddresses = null, IReadOnlyList<IFirewall>? firewalls = null)
    {
        options ??= new DetectorOptions();
        var recording = new RecordingFirewall();
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        foreach (var backend in firewalls ?? [firewall ?? recording]) builder.Services.AddSingleton(backend);
        builder.Services.AddSingleton(hostAddresses ?? InterfaceHostAddresses.Instance);
        builder.Services.AddAkka("harness", akka => akka
            .WithAudit(null)
            .WithIpWindows(options.Detection, IpWindowHosting.Local)
            .WithEnforcement(options, ledger ?? LedgerPersistence.InMemory()));
        var host = builder.Build();
        await host.StartAsync();
        return new PipelineHarness(host, options, recording, clock ?? new EventClockSetup(ClockMode.Replay, TimeProvider.System));
    }

    /// <summary>The audit lines of the events published so far, after everything sent before this call was written.</summary>
    public async Task<IReadOnlyList<AuditEvent>> AuditEventsAsync()
    {
        await Audit.Ask<AuditFlushed>(FlushAudit.Instance, TimeSpan.FromSeconds(10));
        // The writer published every event to the recorder's mailbox before answering; asking the recorder now
        // queues behind them.
        return await _recorder.Ask<List<AuditEvent>>(GetRecorded.Instance, TimeSpan.FromSeconds(10));
    }

    public Task FeedAsync(IEnumerable<AccessLogEntry> entries)
    {
        var array = entries.ToArray();
        return Coordinator.ProcessAsync(new EntryBatch(array, array.Length));
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    private sealed class GetRecorded
    {
        public static readonly GetRecorded Instance = new();
    }

    private sealed class AuditRecorder : ReceiveActor
    {
        public AuditRecorder()
        {
            var recorded = new List<AuditEvent>();
            Receive<DetectorEvent>(e => recorded.Add(AuditEvent.Of(e)));
            Receive<GetRecorded>(_ => Sender.Tell(recorded.ToList()));
        }
    }
}

/// <summary>How the harness's coordinator keeps time.</summary>
public sealed record EventClockSetup(ClockMode Mode, TimeProvider WallClock);
