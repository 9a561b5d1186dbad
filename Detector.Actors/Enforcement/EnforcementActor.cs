using Akka.Actor;
using Detector.Audit;
using Detector.Baseline;
using Detector.Messages;

namespace Detector.Enforcement;

/// <summary>
/// The single owner of the offender ledger. Decides with the pure <see cref="OffenderLedger"/>, applies the
/// events, audits them and hands the changes to the firewall. Time only arrives in messages.
/// </summary>
public sealed class EnforcementActor : ReceiveActor
{
    private readonly OffenderLedger _ledger;
    private readonly IActorRef _firewall;
    private readonly IActorRef _audit;
    private readonly List<LedgerEvent> _sinceLastReply = [];
    private BaselineSnapshot? _baseline;
    private long? _now;

    public EnforcementActor(OffenderLedger ledger, IActorRef firewall, IActorRef audit)
    {
        _ledger = ledger;
        _firewall = firewall;
        _audit = audit;

        Receive<ApplyVerdicts>(Handle);
        Receive<GetBans>(_ => Sender.Tell(new BansSnapshot(_ledger.ActiveBans.ToList(), _now)));
        Receive<GetOffender>(q => Sender.Tell(new OffenderInfo(q.Ip, _ledger.Offenders.GetValueOrDefault(q.Ip))));
        Receive<BanManually>(BanManually);
        Receive<UnbanManually>(UnbanManually);
    }

    public static Props Props(OffenderLedger ledger, IActorRef firewall, IActorRef audit) =>
        Akka.Actor.Props.Create(() => new EnforcementActor(ledger, firewall, audit));

    private void BanManually(BanManually command)
    {
        var events = _ledger.DecideManualBan(command.Ip, command.Now, command.Duration);
        Commit(events, _baseline);
        Sender.Tell(new ManualActionResult(events.Count > 0, events.Count > 0 ? $"{command.Ip} banned" : $"{command.Ip} is already banned"));
    }

    private void UnbanManually(UnbanManually command)
    {
        var events = _ledger.DecideManualUnban(command.Ip, command.Now);
        Commit(events, _baseline);
        Sender.Tell(new ManualActionResult(events.Count > 0, events.Count > 0 ? $"{command.Ip} unbanned" : $"{command.Ip} is not banned"));
    }

    private void Handle(ApplyVerdicts command)
    {
        _now = command.Now;
        _baseline = command.Baseline;
        Commit(_ledger.DecideExpiries(command.Now), command.Baseline);
        foreach (var verdict in command.Verdicts) Commit(_ledger.DecideBan(verdict, command.Now), command.Baseline);

        Sender.Tell(new EnforcementApplied(_sinceLastReply.ToList(), NextExpiry()));
        _sinceLastReply.Clear();
    }

    private void Commit(IReadOnlyList<LedgerEvent> events, BaselineSnapshot? baseline)
    {
        foreach (var e in events)
        {
            var before = _ledger.Offenders.GetValueOrDefault(e.Ip);
            _ledger.Apply(e);
            _sinceLastReply.Add(e);
            switch (e)
            {
                case IpBanned banned:
                    _audit.Tell(AuditEvent.Ban(banned));
                    var duration = banned.ExpiresAt is { } until ? TimeSpan.FromSeconds(until - banned.At) : (TimeSpan?)null;
                    _firewall.Tell(new FirewallBan(banned.Ip, duration, banned.At));
                    break;
                case IpUnbanned unbanned:
                    var banLength = before?.BannedAt is { } at && before.ExpiresAt is { } exp ? exp - at : (long?)null;
                    _audit.Tell(AuditEvent.Unban(unbanned, banLength, 0, baseline?.IpMean ?? 0, baseline?.IpStd ?? 0));
                    _firewall.Tell(new FirewallUnban(unbanned.Ip, unbanned.At));
                    break;
            }
        }
    }

    private long? NextExpiry()
    {
        long? next = null;
        foreach (var ban in _ledger.ActiveBans)
            if (ban.ExpiresAt is { } expiry && (next is null || expiry < next)) next = expiry;
        return next;
    }
}
