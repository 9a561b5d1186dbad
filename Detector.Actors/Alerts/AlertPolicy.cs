using Detector.Audit;
using Detector.Domain;

namespace Detector.Alerts;

public enum AlertOutcome
{
    /// <summary>Send a message for this alert now.</summary>
    Send,
    /// <summary>The same alert went out within the cooldown: drop it (counted).</summary>
    Suppress,
    /// <summary>A ban burst is under way: this ban goes into the burst's summary.</summary>
    Summarize,
}

/// <param name="SuppressedBefore">Identical alerts suppressed since the previous one was sent.</param>
public readonly record struct AlertDecision(AlertOutcome Outcome, int SuppressedBefore = 0);

/// <summary>Bans of one burst window. <paramref name="Listed"/> holds the first of them (capped);
/// <paramref name="Total"/> counts all; <paramref name="Held"/> is how many had no message of their own.</summary>
public sealed record BanBurst(IReadOnlyList<BanImposed> Listed, int Total, int Held, TimeSpan Window, bool Continuing);

/// <summary>
/// Which alerts go out, in wall-clock time (delivery is not detection). Dedupe and cooldown per action and subject;
/// when more than the threshold of bans fall in one burst window, the ones past the threshold are held and the window
/// ends in one summary listing all its bans. A window that starts right after a summarized one is held whole, so a
/// sustained wave of bans yields one summary per window and no individual messages.
/// </summary>
public sealed class AlertPolicy
{
    public const int MaxListed = 50;
    private const int PruneAbove = 1024;

    private readonly TimeSpan _cooldown;
    private readonly int _burstThreshold;
    private readonly TimeSpan _burstWindow;
    private readonly Dictionary<(string Action, string? Subject), Cooldown> _cooldowns = [];
    private OpenBurst? _burst;
    private DateTimeOffset? _lastSummarizedWindowEnd;
    private readonly Queue<BanBurst> _ready = new();

    public AlertPolicy(TimeSpan cooldown, int burstThreshold, TimeSpan burstWindow)
    {
        _cooldown = cooldown;
        _burstThreshold = Math.Max(1, burstThreshold);
        _burstWindow = burstWindow > TimeSpan.Zero ? burstWindow : TimeSpan.FromSeconds(1);
    }

    public int TrackedKeys => _cooldowns.Count;

    public AlertDecision Decide(DetectorEvent alert, DateTimeOffset now)
    {
        var key = KeyOf(alert);
        var suppressedBefore = 0;
        if (_cooldowns.TryGetValue(key, out var last))
        {
            if (now - last.SentAt < _cooldown)
            {
                last.Suppressed++;
                return new AlertDecision(AlertOutcome.Suppress);
            }
            suppressedBefore = last.Suppressed;
        }
        if (_cooldowns.Count >= PruneAbove) Prune(now);
        _cooldowns[key] = new Cooldown(now);

        if (alert is BanImposed ban && JoinBurst(ban, now))
            return new AlertDecision(AlertOutcome.Summarize, suppressedBefore);
        return new AlertDecision(AlertOutcome.Send, suppressedBefore);
    }

    /// <summary>The summary of a burst window that ended by <paramref name="now"/> with bans held, if any; call until null.</summary>
    public BanBurst? TakeDueSummary(DateTimeOffset now)
    {
        CloseEndedWindow(now);
        return _ready.TryDequeue(out var summary) ? summary : null;
    }

    /// <returns>true when the ban is held for the summary.</returns>
    private bool JoinBurst(BanImposed ban, DateTimeOffset now)
    {
        CloseEndedWindow(now);
        if (_burst is null)
        {
            var continuing = _lastSummarizedWindowEnd is { } end && now < end + _burstWindow;
            _burst = new OpenBurst(now + _burstWindow, continuing);
        }
        _burst.Total++;
        if (_burst.Listed.Count < MaxListed) _burst.Listed.Add(ban);
        if (!_burst.Continuing && _burst.Total <= _burstThreshold) return false;
        _burst.Held++;
        return true;
    }

    private void CloseEndedWindow(DateTimeOffset now)
    {
        if (_burst is null || now < _burst.End) return;
        var burst = _burst;
        _burst = null;
        if (burst.Held == 0) return;
        _lastSummarizedWindowEnd = burst.End;
        _ready.Enqueue(new BanBurst(burst.Listed, burst.Total, burst.Held, _burstWindow, burst.Continuing));
    }

    /// <summary>Identical alerts: the same action about the same IP or account (or about the site, without one).</summary>
    private static (string, string?) KeyOf(DetectorEvent e) => (AuditAction.Of(e), e switch
    {
        BanImposed b => b.Ip.ToString(),
        BanLifted u => u.Ip.ToString(),
        BanIneffective i => i.Ip.ToString(),
        AnomalyAllowlisted a => a.Ip.ToString(),
        BanRefused r => r.Ip.ToString(),
        RangeBanImposed rb => rb.Range.ToString(),
        RangeBanLifted ru => ru.Range.ToString(),
        RangeBanRefused rr => rr.Range.ToString(),
        FirewallFailed f => f.Ip?.ToString(),
        AccountAttacked a => "account:" + a.AccountId,
        _ => null,
    });

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, cooldown) in _cooldowns)
            if (now - cooldown.SentAt >= _cooldown) _cooldowns.Remove(key);
    }

    private sealed class Cooldown(DateTimeOffset sentAt)
    {
        public DateTimeOffset SentAt { get; } = sentAt;
        public int Suppressed { get; set; }
    }

    private sealed class OpenBurst(DateTimeOffset end, bool continuing)
    {
        public DateTimeOffset End { get; } = end;
        public bool Continuing { get; } = continuing;
        public List<BanImposed> Listed { get; } = [];
        public int Total { get; set; }
        public int Held { get; set; }
    }
}
