using Akka.Actor;
using Akka.Event;
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
    private readonly IFirewall _firewall;
    private readonly IActorRef _audit;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<LedgerEvent> _sinceLastReply = [];

    public EnforcementActor(OffenderLedger ledger, IFirewall firewall, IActorRef audit)
    {
        _ledger = ledger;
        _firewall = firewall;
        _audit = audit;

        Receive<ApplyVerdicts>(Handle);
        Receive<FirewallApplied>(_ => { });
        Receive<Status.Failure>(f => _log.Warning(f.Cause, "Firewall command failed: {Reason}", f.Cause.Message));
    }

    public static Props Props(OffenderLedger ledger, IFirewall firewall, IActorRef audit) =>
        Akka.Actor.Props.Create(() => new EnforcementActor(ledger, firewall, audit));

    private void Handle(ApplyVerdicts command)
    {
        Commit(_ledger.DecideExpiries(command.Now), command.Baseline);
        foreach (var verdict in command.Verdicts) Commit(_ledger.DecideBan(verdict, command.Now), command.Baseline);

        Sender.Tell(new EnforcementApplied(_sinceLastReply.ToList(), NextExpiry()));
        _sinceLastReply.Clear();
    }

    private void Commit(IReadOnlyList<LedgerEvent> events, BaselineSnapshot baseline)
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
                    _firewall.BanAsync(banned.Ip, duration).PipeTo(Self, success: () => FirewallApplied.Instance);
                    break;
                case IpUnbanned unbanned:
                    var banLength = before?.BannedAt is { } at && before.ExpiresAt is { } exp ? exp - at : (long?)null;
                    _audit.Tell(AuditEvent.Unban(unbanned, banLength, 0, baseline.IpMean, baseline.IpStd));
                    _firewall.UnbanAsync(unbanned.Ip).PipeTo(Self, success: () => FirewallApplied.Instance);
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

    private sealed class FirewallApplied
    {
        public static readonly FirewallApplied Instance = new();
    }
}
