using Akka.Actor;
using Akka.Event;
using Detector.Audit;
using Detector.Ingest;
using Detector.Domain;
using Detector.IpWindows;
using Detector.Enforcement;

namespace Detector.Alerts;

/// <summary>What the Slack alert actor works with; <paramref name="IpWindows"/> is optional (a BAN then goes without
/// its recent requests).</summary>
public sealed record SlackAlertSettings(
    IReadOnlyCollection<string> Actions,
    TimeSpan Cooldown,
    int BurstThreshold,
    TimeSpan BurstWindow,
    TimeSpan DetailsTimeout,
    int LadderSteps,
    IActorRef? IpWindows,
    ISurgeBreadthSource? Surge,
    bool IncludeAccountNames = false);

/// <summary>
/// Turns the detector events the audit writer publishes into Slack messages in the outbox; which ones is configured
/// by audit action. Decides with the pure <see cref="AlertPolicy"/>, words with <see cref="SlackMessageBuilder"/>.
/// A BAN carries its offence; it first asks the IP's entity for its recent paths and agents (with a short timeout);
/// later events wait in the stash so messages keep their order. Never sends HTTP itself: a slow webhook can only
/// fill the bounded outbox.
/// </summary>
public sealed class SlackAlertActor : ReceiveActor, IWithUnboundedStash, IWithTimers
{
    private static readonly TimeSpan SummaryCheckInterval = TimeSpan.FromMilliseconds(250);

    private readonly SlackAlertSettings _settings;
    private readonly SlackOutbox _outbox;
    private readonly SlackDeliveryStats _stats;
    private readonly TimeProvider _clock;
    private readonly AlertPolicy _policy;
    private readonly HashSet<string> _actions;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public SlackAlertActor(SlackAlertSettings settings, SlackOutbox outbox, SlackDeliveryStats stats, TimeProvider clock)
    {
        _settings = settings;
        _outbox = outbox;
        _stats = stats;
        _clock = clock;
        _policy = new AlertPolicy(settings.Cooldown, settings.BurstThreshold, settings.BurstWindow);
        _actions = new HashSet<string>(settings.Actions, StringComparer.OrdinalIgnoreCase);
        _actions.Remove(AuditAction.Baseline);
        Ready();
    }

    public IStash Stash { get; set; } = null!;
    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(SlackAlertSettings settings, SlackOutbox outbox, SlackDeliveryStats stats, TimeProvider clock) =>
        Akka.Actor.Props.Create(() => new SlackAlertActor(settings, outbox, stats, clock));

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(DetectorEvent));
        Timers.StartPeriodicTimer(nameof(FlushSummaries), FlushSummaries.Instance, SummaryCheckInterval);
    }

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    private void Ready()
    {
        Receive<DetectorEvent>(e => _actions.Contains(AuditAction.Of(e)), Alert);
        Receive<DetectorEvent>(_ => { });
        Receive<FlushSummaries>(_ => SendDueSummaries());
        // Stashed while a BAN waits for its details, so the answer means: everything published before is queued.
        Receive<FlushAlerts>(_ => Sender.Tell(AlertsFlushed.Instance));
    }

    private void WaitingForBanDetails()
    {
        Receive<BanDetailsGathered>(gathered =>
        {
            Enqueue(SlackMessageBuilder.ForEvent(gathered.Ban, gathered.Context));
            UnbecomeStacked();
            Stash.UnstashAll();
        });
        ReceiveAny(_ => Stash.Stash());
    }

    private void Alert(DetectorEvent e)
    {
        SendDueSummaries();
        if (e is AccountAttacked attacked && !_settings.IncludeAccountNames) e = attacked.WithoutAccountName();
        var decision = _policy.Decide(e, _clock.GetUtcNow());
        switch (decision.Outcome)
        {
            case AlertOutcome.Suppress:
                _stats.AddSuppressed();
                return;
            case AlertOutcome.Summarize:
                return;
        }

        var context = new AlertContext(SuppressedBefore: decision.SuppressedBefore);
        if (e is BanImposed ban)
        {
            context = context with { Ban = new BanDetails(ban.Offence, _settings.LadderSteps, [], []) };
            if (_settings.IpWindows is { } windows)
            {
                GatherBanDetailsAsync(ban, windows, context).PipeTo(Self, failure: _ => new BanDetailsGathered(ban, context));
                BecomeStacked(WaitingForBanDetails);
                return;
            }
        }
        if (e is GlobalAlertRaised && _settings.Surge is { } surge)
            context = context with { Surge = SurgeBreadthOrNull(surge) };
        Enqueue(SlackMessageBuilder.ForEvent(e, context));
    }

    private async Task<BanDetailsGathered> GatherBanDetailsAsync(BanImposed ban, IActorRef windows, AlertContext context)
    {
        var window = await AskOrNull<IpWindowState>(windows, new GetIpWindowState(ban.Ip), _settings.DetailsTimeout);
        if (window is null) return new BanDetailsGathered(ban, context);
        var details = context.Ban! with { SamplePaths = window.RecentPaths, SampleAgents = window.RecentAgents };
        return new BanDetailsGathered(ban, context with { Ban = details });
    }

    private static async Task<T?> AskOrNull<T>(IActorRef actor, object question, TimeSpan timeout) where T : class
    {
        try
        {
            return await actor.Ask<T>(question, timeout);
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException or InvalidCastException)
        {
            return null;
        }
    }

    private SurgeBreadth? SurgeBreadthOrNull(ISurgeBreadthSource source)
    {
        try
        {
            return source.Current();
        }
        catch (Exception e)
        {
            _log.Warning("Surge breadth unavailable for the Slack alert: {Reason}", e.Message);
            return null;
        }
    }

    private void SendDueSummaries()
    {
        while (_policy.TakeDueSummary(_clock.GetUtcNow()) is { } burst)
        {
            _stats.AddSummarized(burst.Held);
            Enqueue(SlackMessageBuilder.ForBanBurst(burst));
        }
    }

    private void Enqueue(SlackMessage message) => _outbox.Enqueue(message);

    private sealed record BanDetailsGathered(BanImposed Ban, AlertContext Context);

    private sealed class FlushSummaries
    {
        public static readonly FlushSummaries Instance = new();
    }
}

/// <summary>Asks the Slack alert actor to answer <see cref="AlertsFlushed"/> once every detector event published
/// before it is in the outbox (a replay ends right after its last BAN).</summary>
public sealed record FlushAlerts
{
    public static readonly FlushAlerts Instance = new();
}

public sealed record AlertsFlushed
{
    public static readonly AlertsFlushed Instance = new();
}
