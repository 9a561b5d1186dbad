using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Detector.Audit;
using Detector.Baseline;
using Detector.Domain;
using Detector.Enforcement.Firewall;

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
    int SnapshotEvery = 1000)
{
    /// <summary>IPv6 bans block this prefix of the address (<c>Enforcement:Ipv6PrefixLength</c>), unless it covers an
    /// exempt address.</summary>
    public int Ipv6PrefixLength { get; init; } = 128;

    /// <summary>This host's addresses, read at start, on every <see cref="HostAddressRefresh"/> and before a ban.
    /// null: those in <see cref="Exemptions"/> stay as they are.</summary>
    public IHostAddressSource? HostAddresses { get; init; }

    /// <summary>Wall time between re-reads of the host's addresses; null: no timer (tests send
    /// <see cref="RefreshHostAddresses"/>).</summary>
    public TimeSpan? HostAddressRefresh { get; init; } = TimeSpan.FromSeconds(30);

    public EnforcementStats Stats { get; init; } = new();

    /// <summary>The status Nginx answers banned clients with when the nginx backend enforces (<c>Nginx:Status</c>);
    /// null otherwise. Lines of a banned address with it are the ban working, not failing.</summary>
    public int? BanAnswerStatus { get; init; }
}

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
public sealed class EnforcementActor : ReceivePersistentActor, IWithTimers
{
    public const string LedgerPersistenceId = "offender-ledger";

    private readonly EnforcementSetup _setup;
    private readonly IReadOnlyList<IActorRef> _firewalls;
    private readonly IActorRef _audit;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<LedgerEvent> _sinceLastReply = [];
    private readonly ExemptAnomalyEpisodes _exemptEpisodes = new();
    // Bans whose prefix was narrowed and audited as such: audited once per ban, not at every reconcile.
    private readonly HashSet<IpKey> _narrowedAudited = [];
    private BanExemptions _exemptions;
    // Set when stored bans may have become exempt (recovered from storage, new host addresses); the next
    // ApplyVerdicts lifts them, stamped with its event time.
    private bool _exemptBansCheckDue;
    private bool _hostAddressesUnreadable;
    private OffenderLedger _ledger;
    private BaselineSnapshot? _baseline;
    private long? _now;
    private int _eventsSinceSnapshot;

    /// <param name="firewalls">Each backend's firewall actor props given its ledger (this actor), by backend name; they
    /// run as this actor's children (<c>firewall</c>, or <c>firewall-NAME</c> each when several), so they exist exactly
    /// while the ledger does, and each applies every ban on its own.</param>
    public EnforcementActor(EnforcementSetup setup, IReadOnlyList<(string Name, Func<IActorRef, Props> Props)> firewalls, IActorRef audit)
    {
        _setup = setup;
        _firewalls = firewalls.Select(f => Context.ActorOf(f.Props(Self), firewalls.Count == 1 ? "firewall" : $"firewall-{f.Name}")).ToList();
        _audit = audit;
        _ledger = new OffenderLedger(setup.Ladder, setup.HistoryRetention);
        _exemptions = setup.HostAddresses is { } source ? setup.Exemptions.WithHostAddresses(source.Read()) : setup.Exemptions;

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
        {
            // A stored ban may be one that must never be (0.0.0.0 from an older version, an address allowlisted
            // since): it is left out of the kernel now and lifted with the next closed second.
            _exemptBansCheckDue = true;
            _log.Info("Offender ledger recovered: {Offenders} offenders, {Bans} active bans",
                _ledger.Offenders.Count, _ledger.ActiveBans.Count());
        });

        Command<ApplyVerdicts>(Handle);
        Command<GetBans>(_ => Sender.Tell(new BansSnapshot(_ledger.ActiveBans.ToList(), _now)));
        Command<GetDesiredBans>(_ => Sender.Tell(new DesiredBans(DesiredKernelBans(), _now)));
        Command<RefreshHostAddresses>(_ => RereadHostAddresses());
        Command<GetOffender>(q => Sender.Tell(new OffenderInfo(q.Ip, _ledger.Offenders.GetValueOrDefault(q.Ip))));
        Command<GetEnforcementState>(_ =>
            Sender.Tell(new EnforcementState(_ledger.ActiveBans.ToList(), _ledger.NextExpiry, _setup.FirewallEnforces, _setup.BanAnswerStatus)));
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

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        base.PreStart();
        if (_setup.HostAddresses is not null && _setup.HostAddressRefresh is { } every)
            Timers.StartPeriodicTimer("host-addresses", RefreshHostAddresses.Instance, every);
    }

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        // The actor stops; without this line the operator would only see the pipeline's ask timing out.
        _log.Error(reason, "Offender ledger could not be recovered from its journal; enforcement stops: {Reason}", reason.Message);
        _setup.Stats.LedgerFailed($"the offender ledger could not be recovered: {reason.Message}");
        base.OnRecoveryFailure(reason, message);
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        // The actor stops and the pipeline fails once its ask times out; /healthz must not say ok meanwhile.
        _log.Error(cause, "Writing the offender ledger failed; enforcement stops: {Reason}", cause.Message);
        _setup.Stats.LedgerFailed($"writing the offender ledger failed: {cause.Message}");
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        _log.Error(cause, "The journal rejected a ledger event: {Reason}", cause.Message);
        _setup.Stats.LedgerFailed($"the journal rejected a ledger event: {cause.Message}");
        base.OnPersistRejected(cause, @event, sequenceNr);
    }

    /// <summary>Reads the host's addresses again; when they changed, stored bans are checked against them and the
    /// kernel is reconciled at once (a ban of a new own address is dropped, a prefix covering it narrowed).</summary>
    private void RereadHostAddresses()
    {
        if (_setup.HostAddresses is not { } source) return;
        IReadOnlyCollection<IpKey> fresh;
        try
        {
            fresh = source.Read();
        }
        catch (Exception e)
        {
            // Once per streak of failures, not every 30 s.
            if (!_hostAddressesUnreadable) _log.Warning("Reading this host's addresses failed; keeping the previous ones: {Reason}", e.Message);
            _hostAddressesUnreadable = true;
            return;
        }
        _hostAddressesUnreadable = false;
        // Every host has at least a loopback address: an empty answer means the interfaces could not be read.
        if (fresh.Count == 0 && _exemptions.HostAddresses.Count > 0) return;
        if (_exemptions.HostAddresses.SetEquals(fresh)) return;
        _exemptions = _exemptions.WithHostAddresses(fresh);
        _exemptBansCheckDue = true;
        TellFirewalls(ReconcileFirewall.Instance);
    }

    /// <summary>The active bans with their kernel targets now; exempt ones are left out (and lifted with the next
    /// closed second), narrowed ones audited once.</summary>
    private List<DesiredBan> DesiredKernelBans()
    {
        var desired = new List<DesiredBan>();
        foreach (var ban in _ledger.ActiveBans)
        {
            var choice = _exemptions.TargetFor(ban.Ip, _setup.Ipv6PrefixLength);
            if (choice.Refused is not null)
            {
                _exemptBansCheckDue = true;
                continue;
            }
            AuditNarrowing(ban.Ip, choice, _now ?? ban.BannedAt ?? ban.LastSeen);
            desired.Add(new DesiredBan(ban.Ip, ban.ExpiresAt, choice.Target));
        }
        return desired;
    }

    private void AuditNarrowing(IpKey ip, BanTargetChoice choice, long at)
    {
        if (choice is not { NarrowedBecause: { } why, WiderPrefix: { } wider } || !_narrowedAudited.Add(ip)) return;
        _setup.Stats.CountNarrowed();
        _audit.Tell(new BanNarrowed(at, ip, wider.ToString(), why.AuditReason));
    }

    public static Props Props(EnforcementSetup setup, IReadOnlyList<(string Name, Func<IActorRef, Props> Props)> firewalls, IActorRef audit) =>
        Akka.Actor.Props.Create(() => new EnforcementActor(setup, firewalls, audit));

    private void TellFirewalls(object message)
    {
        foreach (var firewall in _firewalls) firewall.Tell(message, ActorRefs.NoSender);
    }

    private void BanManually(BanManually command)
    {
        var sender = Sender;
        if (command.Duration is { } d && d != Timeout.InfiniteTimeSpan && (d <= TimeSpan.Zero || d > BanLadder.MaxDuration))
        {
            sender.Tell(new ManualActionResult(false, $"A ban lasts from 1 second to {BanLadder.MaxDurationText}, or follows the ladder.", Refused: true));
            return;
        }
        RereadHostAddresses();
        if (_exemptions.Find(command.Ip) is { } exemption)
        {
            _setup.Stats.CountRefused();
            _audit.Tell(new BanRefused(command.Now, command.Ip, BanSource.Manual, exemption.AuditReason));
            sender.Tell(new ManualActionResult(false, $"{command.Ip} is not banned: {exemption.Explanation}.", Refused: true));
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
        // Checked at ban time too: an address the host gained since the last timer tick is never banned.
        if (command.Verdicts.Count > 0) RereadHostAddresses();
        Decide(commit, _ledger.DecideExpiries(command.Now), command.Baseline);
        if (_exemptBansCheckDue)
        {
            _exemptBansCheckDue = false;
            Decide(commit, _ledger.DecideLiftExempt(command.Now, ip => _exemptions.Find(ip) is not null), command.Baseline);
        }
        List<AnomalyAllowlisted>? exempt = null;
        foreach (var verdict in command.Verdicts)
        {
            if (_exemptions.Find(verdict.Ip) is { } exemption)
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
                var choice = _exemptions.TargetFor(banned.Ip, _setup.Ipv6PrefixLength);
                return () =>
                {
                    _audit.Tell(banned.ToEvent());
                    AuditNarrowing(banned.Ip, choice, banned.At);
                    TellFirewalls(new FirewallBan(banned.Ip, choice.Target, duration, banned.At));
                };
            case IpUnbanned { Reason: OffenderLedger.ExemptReason } lifted:
                // Never in the kernel as far as this run knows (reconcile leaves exempt bans out); the reconcile after
                // the commit removes an entry a previous run may have left.
                var why = _exemptions.Find(lifted.Ip)?.AuditReason ?? OffenderLedger.ExemptReason;
                return () =>
                {
                    _narrowedAudited.Remove(lifted.Ip);
                    _setup.Stats.CountRefused();
                    _audit.Tell(new BanRefused(lifted.At, lifted.Ip, BanSource.Ledger, why));
                    TellFirewalls(ReconcileFirewall.Instance);
                };
            case IpUnbanned unbanned:
                var before = _ledger.Offenders.GetValueOrDefault(unbanned.Ip);
                var banLength = before?.BannedAt is { } at && before.ExpiresAt is { } exp ? exp - at : (long?)null;
                var audit = unbanned.ToEvent(banLength, 0, baseline?.IpMean ?? 0, baseline?.IpStd ?? 0);
                var target = _exemptions.TargetFor(unbanned.Ip, _setup.Ipv6PrefixLength).Target;
                return () =>
                {
                    _narrowedAudited.Remove(unbanned.Ip);
                    _audit.Tell(audit);
                    TellFirewalls(new FirewallUnban(unbanned.Ip, target, unbanned.At));
                };
            default:
                return null;
        }
    }
}
