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
    /// <summary>When several addresses of one network are banned, the network is banned as one entry
    /// (<c>Enforcement:Ipv6Range</c>, <c>Enforcement:Ipv4Range</c>); never one that covers an exempt address.</summary>
    public RangePolicy Ranges { get; init; } = RangePolicy.Off;

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
    // Ranges refused because they cover an exempt address, with when: audited again only after the range's window,
    // not at every further member ban. Bounded: only networks holding an exempt address (the host's, a narrow
    // allowlist or proxy entry) can be refused; cleared when the host's addresses change.
    private readonly Dictionary<BanTarget, long> _refusedRanges = [];
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
        Command<GetBans>(_ => Sender.Tell(new BansSnapshot(_ledger.ActiveBans.ToList(), _now) { Ranges = _ledger.ActiveRanges.ToList() }));
        Command<GetDesiredBans>(_ => Sender.Tell(new DesiredBans(DesiredKernelBans(), _now)));
        Command<RefreshHostAddresses>(_ => RereadHostAddresses());
        Command<GetOffender>(q => Sender.Tell(new OffenderInfo(q.Ip, _ledger.Offenders.GetValueOrDefault(q.Ip))));
        Command<GetEnforcementState>(_ =>
            Sender.Tell(new EnforcementState(_ledger.ActiveBans.ToList(), _ledger.NextExpiry, _setup.FirewallEnforces, _setup.BanAnswerStatus)
            {
                ActiveRanges = _ledger.ActiveRanges.ToList(),
            }));
        Command<BanManually>(BanManually);
        Command<UnbanManually>(UnbanManually);
        Command<UnbanRangeManually>(UnbanRangeManually);
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
    /// kernel is reconciled at once (a ban of a new own address, or a range ban covering one, is lifted).</summary>
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
        _refusedRanges.Clear();
        _exemptBansCheckDue = true;
        TellFirewalls(ReconcileFirewall.Instance);
    }

    /// <summary>The active bans and range bans with their kernel targets; exempt ones (an address never banned, a
    /// range that came to cover one) are left out and lifted with the next closed second.</summary>
    private List<DesiredBan> DesiredKernelBans()
    {
        var desired = new List<DesiredBan>();
        foreach (var ban in _ledger.ActiveBans)
        {
            if (_exemptions.Find(ban.Ip) is not null)
            {
                _exemptBansCheckDue = true;
                continue;
            }
            desired.Add(new DesiredBan(ban.Ip, ban.ExpiresAt));
        }
        foreach (var range in _ledger.ActiveRanges)
        {
            if (_exemptions.FindWithin(range.Range.ToBlock()) is not null)
            {
                _exemptBansCheckDue = true;
                continue;
            }
            desired.Add(new DesiredBan(range.Range.Network, range.ExpiresAt, range.Range));
        }
        return desired;
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
        // A manual ban is a ban like any other: it counts toward its network's range rule.
        if (changed) DecideRanges(commit, [command.Ip], command.Now, _baseline);
        var message = changed ? $"{command.Ip} banned"
            : _ledger.CoveringRange(command.Ip) is { } range ? $"{command.Ip} is already banned by the range {range.Range}"
            : $"{command.Ip} is already banned";
        Commit(commit, () => sender.Tell(new ManualActionResult(changed, message)));
    }

    private void UnbanManually(UnbanManually command)
    {
        var sender = Sender;
        var commit = new PendingCommit();
        Decide(commit, _ledger.DecideManualUnban(command.Ip, command.Now), _baseline);
        var changed = commit.Events.Count > 0;
        var message = changed ? $"{command.Ip} unbanned"
            : _ledger.CoveringRange(command.Ip) is { } range ? $"{command.Ip} is banned by the range {range.Range}: unban the range"
            : $"{command.Ip} is not banned";
        Commit(commit, () => sender.Tell(new ManualActionResult(changed, message)));
    }

    private void UnbanRangeManually(UnbanRangeManually command)
    {
        var sender = Sender;
        var commit = new PendingCommit();
        Decide(commit, _ledger.DecideManualUnban(command.Range, command.Now), _baseline);
        var changed = commit.Events.Count > 0;
        Commit(commit, () => sender.Tell(new ManualActionResult(changed,
            changed ? $"{command.Range} unbanned, with its members" : $"{command.Range} is not banned as a range")));
    }

    /// <summary>A verdict on a churning network's aggregate (its new addresses judged as one client): bans the network
    /// as a range, with the rule that fired; refused like any range that would cover an exempt address. Its members are
    /// the network's addresses banned on their own (usually none: the aggregate is what was judged).</summary>
    private void DecideAggregate(PendingCommit commit, IpVerdict verdict, long now, BaselineSnapshot? baseline)
    {
        if (_setup.Ranges.RangeOf(verdict.Ip) is not { } range || _ledger.IsRangeBanned(range)) return;
        var members = _ledger.ActiveBans.Where(b => range.Contains(b.Ip)).Select(b => b.Ip).ToList();
        var candidate = new RangeCandidate(range, members, RangeRule.AggregateCondition(verdict.Condition));
        if (RefuseRange(commit, candidate, now)) return;
        Decide(commit, _ledger.DecideRangeBan(candidate, now), baseline);
    }

    /// <summary>Whether the range would cover an exempt address: then it is refused and audited (once per window).</summary>
    private bool RefuseRange(PendingCommit commit, RangeCandidate candidate, long now)
    {
        if (_exemptions.FindWithin(candidate.Range.ToBlock()) is not { } exempt) return false;
        var window = _setup.Ranges.RuleFor(candidate.Range.Network)!.WindowSeconds;
        if (_refusedRanges.TryGetValue(candidate.Range, out var audited) && now < audited + window) return true;
        _refusedRanges[candidate.Range] = now;
        _setup.Stats.CountRefused();
        commit.Audits.Add(new RangeBanRefused(now, candidate.Range.ToBlock(), BanSource.Range, candidate.Members, exempt.AuditReason));
        return true;
    }

    /// <summary>Bans the networks of <paramref name="banned"/> that reached their range rule; one that would cover an
    /// exempt address is refused and audited (once per window), and its members stay banned each on its own.</summary>
    private void DecideRanges(PendingCommit commit, IReadOnlyCollection<IpKey> banned, long now, BaselineSnapshot? baseline)
    {
        if (banned.Count == 0) return;
        foreach (var candidate in _setup.Ranges.Due(banned, _ledger.Offenders.Values, now, _ledger.IsRangeBanned))
            if (!RefuseRange(commit, candidate, now)) Decide(commit, _ledger.DecideRangeBan(candidate, now), baseline);
    }

    private void Handle(ApplyVerdicts command)
    {
        var sender = Sender;
        _now = command.Now;
        _baseline = command.Baseline;
        var commit = new PendingCommit();
        // Checked at ban time too: an address the host gained since the last timer tick is never banned.
        if (command.Verdicts.Count > 0 || command.RangeVerdicts.Count > 0) RereadHostAddresses();
        Decide(commit, _ledger.DecideExpiries(command.Now), command.Baseline);
        if (_exemptBansCheckDue)
        {
            _exemptBansCheckDue = false;
            Decide(commit, _ledger.DecideLiftExempt(command.Now, ip => _exemptions.Find(ip) is not null), command.Baseline);
            Decide(commit, _ledger.DecideLiftExemptRanges(command.Now, range => _exemptions.FindWithin(range.ToBlock()) is not null), command.Baseline);
        }
        List<IpKey>? banned = null;
        foreach (var verdict in command.Verdicts)
        {
            if (_exemptions.Find(verdict.Ip) is { } exemption)
            {
                if (_exemptEpisodes.Observe(verdict.Ip, command.Now))
                    commit.Audits.Add(new AnomalyAllowlisted(command.Now, verdict, exemption.AuditReason));
                continue;
            }
            var decided = _ledger.DecideBan(verdict, command.Now);
            if (decided.Count > 0) (banned ??= []).Add(verdict.Ip);
            Decide(commit, decided, command.Baseline);
        }
        if (banned is not null) DecideRanges(commit, banned, command.Now, command.Baseline);
        foreach (var verdict in command.RangeVerdicts) DecideAggregate(commit, verdict, command.Now, command.Baseline);

        Commit(commit, () =>
        {
            sender.Tell(new EnforcementApplied(_sinceLastReply.ToList(), _ledger.NextExpiry));
            _sinceLastReply.Clear();
        });
    }

    /// <summary>Events decided by one command, with the side effects each has once it is stored.</summary>
    private sealed class PendingCommit
    {
        public List<LedgerEvent> Events { get; } = [];
        public List<Action?> Effects { get; } = [];
        /// <summary>Audit events that store nothing (ALLOWLISTED, a refused range), sent once the events are stored.</summary>
        public List<DetectorEvent> Audits { get; } = [];
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
        var done = commit.Audits.Count == 0 ? completed : () =>
        {
            foreach (var audit in commit.Audits) _audit.Tell(audit);
            completed();
        };
        if (commit.Events.Count == 0)
        {
            done();
            return;
        }
        var next = 0;
        PersistAll(commit.Events, stored =>
        {
            _sinceLastReply.Add(stored);
            commit.Effects[next++]?.Invoke();
        }, () =>
        {
            done();
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
                    TellFirewalls(new FirewallBan(banned.Ip, BanTarget.For(banned.Ip), duration, banned.At));
                };
            case RangeBanned range:
                var rangeDuration = range.ExpiresAt is { } rangeUntil ? TimeSpan.FromSeconds(rangeUntil - range.At) : (TimeSpan?)null;
                var imposed = range.ToEvent(baseline?.IpMean ?? 0, baseline?.IpStd ?? 0);
                return () =>
                {
                    _setup.Stats.CountRangeBan();
                    _audit.Tell(imposed);
                    TellFirewalls(new FirewallBan(range.Range.Network, range.Range, rangeDuration, range.At));
                };
            case IpUnbanned { Reason: OffenderLedger.FoldedReason } folded:
                // The member's entry gives way to its range's, which is already in the kernel; the BAN_RANGE line
                // named it, so no UNBAN line of its own.
                return () => TellFirewalls(new FirewallUnban(folded.Ip, BanTarget.For(folded.Ip), folded.At));
            case RangeUnbanned { Reason: OffenderLedger.ExemptReason } liftedRange:
                var rangeWhy = _exemptions.FindWithin(liftedRange.Range.ToBlock())?.AuditReason ?? OffenderLedger.ExemptReason;
                var refusedMembers = _ledger.Ranges.GetValueOrDefault(liftedRange.Range)?.Members ?? [];
                return () =>
                {
                    _setup.Stats.CountRefused();
                    _audit.Tell(new RangeBanRefused(liftedRange.At, liftedRange.Range.ToBlock(), BanSource.Ledger, refusedMembers, rangeWhy));
                    TellFirewalls(ReconcileFirewall.Instance);
                };
            case RangeUnbanned rangeUnbanned:
                var rangeBefore = _ledger.Ranges.GetValueOrDefault(rangeUnbanned.Range);
                var rangeLength = rangeBefore?.BannedAt is { } rangeAt && rangeBefore.ExpiresAt is { } rangeExp ? rangeExp - rangeAt : (long?)null;
                var rangeLifted = new RangeBanLifted(rangeUnbanned.At, rangeUnbanned.Range.ToBlock(), rangeUnbanned.Reason, rangeLength,
                    rangeBefore?.Members ?? [], baseline?.IpMean ?? 0, baseline?.IpStd ?? 0);
                return () =>
                {
                    _audit.Tell(rangeLifted);
                    TellFirewalls(new FirewallUnban(rangeUnbanned.Range.Network, rangeUnbanned.Range, rangeUnbanned.At));
                };
            case IpUnbanned { Reason: OffenderLedger.ExemptReason } lifted:
                // Never in the kernel as far as this run knows (reconcile leaves exempt bans out); the reconcile after
                // the commit removes an entry a previous run may have left.
                var why = _exemptions.Find(lifted.Ip)?.AuditReason ?? OffenderLedger.ExemptReason;
                return () =>
                {
                    _setup.Stats.CountRefused();
                    _audit.Tell(new BanRefused(lifted.At, lifted.Ip, BanSource.Ledger, why));
                    TellFirewalls(ReconcileFirewall.Instance);
                };
            case IpUnbanned unbanned:
                var before = _ledger.Offenders.GetValueOrDefault(unbanned.Ip);
                var banLength = before?.BannedAt is { } at && before.ExpiresAt is { } exp ? exp - at : (long?)null;
                var audit = unbanned.ToEvent(banLength, 0, baseline?.IpMean ?? 0, baseline?.IpStd ?? 0);
                return () =>
                {
                    _audit.Tell(audit);
                    TellFirewalls(new FirewallUnban(unbanned.Ip, BanTarget.For(unbanned.Ip), unbanned.At));
                };
            default:
                return null;
        }
    }
}
