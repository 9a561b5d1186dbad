using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Detector.Audit;
using Detector.Baseline;
using Detector.Domain;

namespace Detector.Enforcement;

/// <summary>What the enforcement actor is built from.</summary>
/// <param name="FirewallEnforces">false for the dry-run backend: nothing is blocked, so the detection side must
/// not judge whether bans work.</param>
/// <param name="SnapshotEvery">Events between ledger snapshots.</param>
public sealed record EnforcementSetup(
    BanLadder Ladder,
    TimeSpan HistoryRetention,
    BanExemptions Exemptions,
    bool FirewallEnforces,
    int SnapshotEvery = 1000);

/// <summary>
/// The single owner of the offender ledger, persisted as events plus snapshots so the ladder and pending unbans
/// survive restarts. Decides with the pure <see cref="OffenderLedger"/>, journals the events, then audits them
/// and hands the changes to the firewall. Time only arrives in messages.
/// </summary>
/// <remarks>
/// Events are applied to the ledger as they are decided, so later decisions of the same command see them (a
/// ban deciding after an expiry). Side effects and replies wait for the journal: nothing is banned, audited or
/// answered that is not stored. A failed write stops the actor and its in-memory ledger with it; callers' asks
/// time out and the pipeline fails, and the next start recovers from the journal.
/// </remarks>
public sealed class EnforcementActor : ReceivePersistentActor
{
    public const string LedgerPersistenceId = "offender-ledger";

    private readonly EnforcementSetup _setup;
    private readonly IActorRef _firewall;
    private readonly IActorRef _audit;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<LedgerEvent> _sinceLastReply = [];
    private readonly ExemptAnomalyEpisodes _exemptEpisodes = new();
    private OffenderLedger _ledger;
    private BaselineSnapshot? _baseline;
    private long? _now;
    private int _eventsSinceSnapshot;

    public EnforcementActor(EnforcementSetup setup, IActorRef firewall, IActorRef audit)
    {
        _setup = setup;
        _firewall = firewall;
        _audit = audit;
        _ledger = new OffenderLedger(setup.Ladder, setup.HistoryRetention);

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is OffenderLedgerSnapshot snapshot)
                _ledger = OffenderLedger.Restore(_setup.Ladder, _setup.HistoryRetention, snapshot);
            _eventsSinceSnapshot = 0;
        });
        Recover<LedgerEvent>(e =>
        {
            _ledger.Apply(e);
            _eventsSinceSnapshot++;
        });
        Recover<RecoveryCompleted>(_ =>
            _log.Info("Offender ledger recovered: {Offenders} offenders, {Bans} active bans",
                _ledger.Offenders.Count, _ledger.ActiveBans.Count()));

        Command<ApplyVerdicts>(Handle);
        Command<GetBans>(_ => Sender.Tell(new BansSnapshot(_ledger.ActiveBans.ToList(), _now)));
        Command<GetOffender>(q => Sender.Tell(new OffenderInfo(q.Ip, _ledger.Offenders.GetValueOrDefault(q.Ip))));
        Command<GetEnforcementState>(_ =>
            Sender.Tell(new EnforcementState(_ledger.ActiveBans.ToList(), _ledger.NextExpiry, _setup.FirewallEnforces)));
        Command<BanManually>(BanManually);
        Command<UnbanManually>(UnbanManually);
        Command<SaveSnapshotSuccess>(saved =>
        {
            // The snapshot holds everything up to its sequence number: older events and snapshots are dead weight.
            DeleteMessages(saved.Metadata.SequenceNr);
            DeleteSnapshots(new SnapshotSelectionCriteria(saved.Metadata.SequenceNr - 1));
        });
        Command<SaveSnapshotFailure>(failed => _log.Warning(failed.Cause, "Ledger snapshot failed; the journal still holds every event"));
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(failed => _log.Warning(failed.Cause, "Deleting journaled ledger events failed"));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(failed => _log.Warning(failed.Cause, "Deleting old ledger snapshots failed"));
    }

    public override string PersistenceId => LedgerPersistenceId;

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        // The actor stops; without this line the operator would only see the pipeline's ask timing out.
        _log.Error(reason, "Offender ledger could not be recovered from its journal; enforcement stops: {Reason}", reason.Message);
        base.OnRecoveryFailure(reason, message);
    }

    public static Props Props(EnforcementSetup setup, IActorRef firewall, IActorRef audit) =>
        Akka.Actor.Props.Create(() => new EnforcementActor(setup, firewall, audit));

    private void BanManually(BanManually command)
    {
        var sender = Sender;
        if (_setup.Exemptions.Find(command.Ip) is { } exemption)
        {
            sender.Tell(new ManualActionResult(false, $"{command.Ip} is not banned: {exemption.Explanation}."));
            return;
        }
        var commit = new PendingCommit();
        Decide(commit, _ledger.DecideManualBan(command.Ip, command.Now, command.Duration), _baseline);
        var changed = commit.Events.Count > 0;
        Commit(commit, () => sender.Tell(new ManualActionResult(changed, changed ? $"{command.Ip} banned" : $"{command.Ip} is already banned")));
    }

    private void UnbanManually(UnbanManually command)
    {
        var sender = Sender;
        var commit = new PendingCommit();
        Decide(commit, _ledger.DecideManualUnban(command.Ip, command.Now), _baseline);
        var changed = commit.Events.Count > 0;
        Commit(commit, () => sender.Tell(new ManualActionResult(changed, changed ? $"{command.Ip} unbanned" : $"{command.Ip} is not banned")));
    }

    private void Handle(ApplyVerdicts command)
    {
        var sender = Sender;
        _now = command.Now;
        _baseline = command.Baseline;
        var commit = new PendingCommit();
        Decide(commit, _ledger.DecideExpiries(command.Now), command.Baseline);
        List<AnomalyAllowlisted>? exempt = null;
        foreach (var verdict in command.Verdicts)
        {
            if (_setup.Exemptions.Find(verdict.Ip) is { } exemption)
            {
                if (_exemptEpisodes.Observe(verdict.Ip, command.Now))
                    (exempt ??= []).Add(new AnomalyAllowlisted(command.Now, verdict, exemption.AuditReason));
                continue;
            }
            Decide(commit, _ledger.DecideBan(verdict, command.Now), command.Baseline);
        }

        Commit(commit, () =>
        {
            if (exempt is not null) foreach (var audit in exempt) _audit.Tell(audit);
            sender.Tell(new EnforcementApplied(_sinceLastReply.ToList(), _ledger.NextExpiry));
            _sinceLastReply.Clear();
        });
    }

    /// <summary>Events decided by one command, with the side effects each has once it is stored.</summary>
    private sealed class PendingCommit
    {
        public List<LedgerEvent> Events { get; } = [];
        public List<Action?> Effects { get; } = [];
    }

    /// <summary>Applies <paramref name="events"/> to the ledger and queues them, with their effects, for the journal.</summary>
    private void Decide(PendingCommit commit, IReadOnlyList<LedgerEvent> events, BaselineSnapshot? baseline)
    {
        foreach (var e in events)
        {
            commit.Effects.Add(EffectsOf(e, baseline));
            _ledger.Apply(e);
            commit.Events.Add(e);
        }
    }

    /// <summary>
    /// Journals the commit's events; each one's effects run once it is stored, then <paramref name="completed"/>
    /// (at once when there is nothing to store). Commands wait meanwhile, so they see a stored ledger.
    /// </summary>
    private void Commit(PendingCommit commit, Action completed)
    {
        if (commit.Events.Count == 0)
        {
            completed();
            return;
        }
        var next = 0;
        PersistAll(commit.Events, stored =>
        {
            _sinceLastReply.Add(stored);
            commit.Effects[next++]?.Invoke();
        }, () =>
        {
            completed();
            _eventsSinceSnapshot += commit.Events.Count;
            if (_eventsSinceSnapshot < _setup.SnapshotEvery) return;
            _eventsSinceSnapshot = 0;
            SaveSnapshot(_ledger.ToSnapshot());
        });
    }

    /// <summary>The audit line and firewall change of an event, computed from the ledger before it is applied.</summary>
    private Action? EffectsOf(LedgerEvent e, BaselineSnapshot? baseline)
    {
        switch (e)
        {
            case IpBanned banned:
                var duration = banned.ExpiresAt is { } until ? TimeSpan.FromSeconds(until - banned.At) : (TimeSpan?)null;
                return () =>
                {
                    _audit.Tell(banned.ToEvent());
                    _firewall.Tell(new FirewallBan(banned.Ip, duration, banned.At));
                };
            case IpUnbanned unbanned:
                var before = _ledger.Offenders.GetValueOrDefault(unbanned.Ip);
                var banLength = before?.BannedAt is { } at && before.ExpiresAt is { } exp ? exp - at : (long?)null;
                var audit = unbanned.ToEvent(banLength, 0, baseline?.IpMean ?? 0, baseline?.IpStd ?? 0);
                return () =>
                {
                    _audit.Tell(audit);
                    _firewall.Tell(new FirewallUnban(unbanned.Ip, unbanned.At));
                };
            default:
                return null;
        }
    }
}
