using Akka.Actor;
using Akka.Event;
using Detector.Audit;
using Detector.Enforcement.Firewall;
using Detector.Domain;

namespace Detector.Enforcement;

/// <summary>How often the firewall actor reconciles and how long it waits for the ledger.</summary>
public sealed record FirewallActorSettings
{
    public static readonly FirewallActorSettings Default = new();

    /// <summary>null: no periodic reconcile (tests send <see cref="ReconcileFirewall"/>).</summary>
    public TimeSpan? ReconcileInterval { get; init; } = TimeSpan.FromMinutes(1);
    public bool ReconcileAtStart { get; init; } = true;
    public TimeSpan LedgerTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Wall time, only for timestamps when no event time is known yet and for the stats.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
    /// <summary>Name the backend in its failures' audit lines (<c>nginx: …</c>): set when several backends run.</summary>
    public bool NameBackendInAudit { get; init; }
}

/// <summary>To the firewall actor of an <see cref="IBatchedFirewall"/>, from its own timer: apply the changes since the
/// last flush now.</summary>
public sealed record FlushFirewall
{
    public static readonly FlushFirewall Instance = new();
}

/// <summary>
/// Applies the enforcement actor's decisions through <see cref="IFirewall"/>, off the enforcement actor's thread,
/// and reconciles the kernel to the ledger at start and every minute. Decides nothing: a failed command is
/// audited (BAN_FAILED / UNBAN_FAILED / RECONCILE_FAILED) and counted, and the ledger keeps its desired state;
/// the next reconcile applies it again. Stopping never unbans. Its peers are given at construction: the ledger
/// that answers <see cref="GetDesiredBans"/> (the enforcement actor, whose child it is) and the audit writer.
/// A batched backend (<see cref="IBatchedFirewall"/>, Nginx) is flushed once, <see cref="IBatchedFirewall.FlushDelay"/>
/// after the first ban or unban since its last flush; a failed flush audits each ban and unban it carried.
/// With several backends there is one firewall actor per backend, so one never waits for or fails with another.
/// </summary>
public sealed class FirewallActor : ReceiveActor, IWithTimers
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IFirewall _firewall;
    private readonly IActorRef _ledger;
    private readonly IActorRef _audit;
    private readonly FirewallActorSettings _settings;
    // Banned IPs and their kernel targets as last told: with an IPv6 prefix below 128 several IPs share a kernel
    // entry, which stays until the last of them is unbanned.
    private Dictionary<IpKey, BanTarget> _banned = [];
    // Kernel entries refused at the last reconciles, audited once until they are applied again: a bad entry must not
    // write the same failure every minute.
    private HashSet<BanTarget> _rejected = [];
    private long? _eventTime;
    // Batched backends: the bans and unbans told to the backend since its last flush, audited if the flush fails.
    private readonly IBatchedFirewall? _batched;
    private List<FirewallChange> _unflushed = [];

    private sealed record FirewallChange(FirewallOperation Operation, IpKey Ip, long? At, long? BanDurationSeconds);

    public FirewallActor(IFirewall firewall, IActorRef ledger, IActorRef audit, FirewallActorSettings settings)
    {
        _firewall = firewall;
        _ledger = ledger;
        _audit = audit;
        _settings = settings;
        _batched = firewall as IBatchedFirewall;
        ReceiveAsync<FirewallBan>(Ban);
        ReceiveAsync<FlushFirewall>(_ => Flush());
        ReceiveAsync<FirewallUnban>(Unban);
        ReceiveAsync<ReconcileFirewall>(_ => Reconcile(Sender));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="ledger">Answers <see cref="GetDesiredBans"/>: the enforcement actor.</param>
    /// <param name="audit">Receives the failure audit events.</param>
    public static Props Props(IFirewall firewall, IActorRef ledger, IActorRef audit, FirewallActorSettings? settings = null) =>
        Akka.Actor.Props.Create(() => new FirewallActor(firewall, ledger, audit, settings ?? FirewallActorSettings.Default));

    protected override void PreStart()
    {
        if (_settings.ReconcileAtStart) Self.Tell(ReconcileFirewall.Instance);
        if (_settings.ReconcileInterval is { } interval)
            Timers.StartPeriodicTimer("reconcile", ReconcileFirewall.Instance, interval);
    }

    private async Task Ban(FirewallBan ban)
    {
        Observe(ban.At);
        _banned[ban.Ip] = ban.Target;
        var duration = ban.Duration is { } d ? (long)Math.Ceiling(d.TotalSeconds) : (long?)null;
        try
        {
            await _firewall.BanAsync(ban.Target, ban.Duration);
            Applied(new FirewallChange(FirewallOperation.Ban, ban.Ip, ban.At, duration));
        }
        catch (Exception e)
        {
            Failed(FirewallOperation.Ban, ban.Ip, e, ban.At, duration);
        }
    }

    private async Task Unban(FirewallUnban unban)
    {
        Observe(unban.At);
        var target = _banned.Remove(unban.Ip, out var told) ? told : unban.Target;
        if (!target.IsHost && _banned.ContainsValue(target)) return; // another banned IP shares the prefix entry
        try
        {
            await _firewall.UnbanAsync(target);
            Applied(new FirewallChange(FirewallOperation.Unban, unban.Ip, unban.At, null));
        }
        catch (Exception e)
        {
            Failed(FirewallOperation.Unban, unban.Ip, e, unban.At, null);
        }
    }

    /// <summary>Counted now, or for a batched backend once its flush (due <see cref="IBatchedFirewall.FlushDelay"/> after
    /// the first change since the last one) succeeds.</summary>
    private void Applied(FirewallChange change)
    {
        if (_batched is null)
        {
            _firewall.Stats.CountApplied();
            return;
        }
        _unflushed.Add(change);
        if (!Timers.IsTimerActive("flush")) Timers.StartSingleTimer("flush", FlushFirewall.Instance, _batched.FlushDelay);
    }

    private async Task Flush()
    {
        if (_batched is null || _unflushed.Count == 0) return;
        var changes = _unflushed;
        _unflushed = [];
        try
        {
            await _batched.FlushAsync();
            _firewall.Stats.CountApplied(changes.Count);
        }
        catch (Exception e)
        {
            // Each ban and unban the flush carried did not take effect: audited like a failed command; the backend
            // keeps them and the next flush or reconcile applies them.
            foreach (var change in changes)
                Failed(change.Operation, change.Ip, e, change.At, change.BanDurationSeconds);
        }
    }

    private async Task Reconcile(IActorRef requester)
    {
        var replyTo = requester.IsNobody() || requester.Equals(Self) ? null : requester;
        try
        {
            // While the ledger recovers from its journal it stashes the question and answers once recovered.
            var snapshot = await _ledger.Ask<DesiredBans>(GetDesiredBans.Instance, _settings.LedgerTimeout);
            Observe(snapshot.Now);
            var now = snapshot.Now ?? _settings.Clock.GetUtcNow().ToUnixTimeSeconds();
            var desired = snapshot.Bans;
            _banned = desired.ToDictionary(d => d.Ip, d => d.Target);

            var result = await _firewall.ReconcileAsync(desired, now);
            _firewall.Stats.Reconciled(result, _settings.Clock.GetUtcNow());
            // A batched backend's reconcile flushed every change told before it.
            _firewall.Stats.CountApplied(_unflushed.Count);
            _unflushed = [];
            AuditRejectedOnce(result.Rejected, desired, now);
            if (result.Added > 0 || result.Removed > 0)
                _log.Warning("Firewall {Backend} reconcile: re-added {Added} missing bans, removed {Removed} stale entries; {Size} entries now",
                    _firewall.Name, result.Added, result.Removed, result.Size);
            replyTo?.Tell(new FirewallReconciled(result.Added, result.Removed, result.Size));
        }
        catch (AskTimeoutException)
        {
            _log.Warning("Firewall {Backend} reconcile skipped: the enforcement actor did not answer within {Timeout}", _firewall.Name, _settings.LedgerTimeout);
            replyTo?.Tell(new FirewallReconcileFailed("the enforcement actor did not answer"));
        }
        catch (Exception e)
        {
            Failed(FirewallOperation.Reconcile, null, e, null, null);
            replyTo?.Tell(new FirewallReconcileFailed(e.Message));
        }
    }

    private void AuditRejectedOnce(IReadOnlyList<RejectedTarget> rejected, IReadOnlyList<DesiredBan> desired, long now)
    {
        var still = new HashSet<BanTarget>();
        foreach (var refused in rejected)
        {
            still.Add(refused.Target);
            if (_rejected.Contains(refused.Target)) continue;
            var ban = desired.FirstOrDefault(d => d.Target == refused.Target);
            var ip = ban?.Ip ?? refused.Target.Network;
            if (refused.Adding)
                Failed(FirewallOperation.Ban, ip, refused.Reason, now, ban?.ExpiresAt is { } expires ? Math.Max(1, expires - now) : null);
            else
                Failed(FirewallOperation.Unban, ip, refused.Reason, now, null);
        }
        _rejected = still;
    }

    /// <param name="banDurationSeconds">Of a failed ban only; null there = permanent.</param>
    private void Failed(FirewallOperation operation, IpKey? ip, Exception e, long? at, long? banDurationSeconds) =>
        Failed(operation, ip, e.Message, at, banDurationSeconds);

    private void Failed(FirewallOperation operation, IpKey? ip, string error, long? at, long? banDurationSeconds)
    {
        var time = at ?? _eventTime ?? _settings.Clock.GetUtcNow().ToUnixTimeSeconds();
        // The audit line's fields are separated by " | ": keep the reason on one line and free of bars.
        var reason = error.Replace('|', '/').ReplaceLineEndings(" ");
        var failed = new FirewallFailed(time, operation, ip, reason, banDurationSeconds) { Backend = _settings.NameBackendInAudit ? _firewall.Name : null };
        _firewall.Stats.CountFailure(reason, _settings.Clock.GetUtcNow());
        _log.Error("Firewall {Backend} {Action} {Subject}: {Reason}", _firewall.Name, AuditAction.Of(failed), ip?.ToString() ?? AuditEvent.None, reason);
        _audit.Tell(failed);
    }

    private void Observe(long? eventTime)
    {
        if (eventTime is { } t && (_eventTime is null || t > _eventTime)) _eventTime = t;
    }
}
