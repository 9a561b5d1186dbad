namespace Detector.Domain;

/// <summary>
/// What Detector did or noticed, as typed facts: the events the audit writer, Slack, the API feed and the console
/// consume, each formatting what it needs (the audit line is one such format, <c>AuditEvent.Of</c>). Closed: the
/// records below are all there is. <paramref name="At"/> is event time, Unix seconds. Durations are whole seconds,
/// null = permanent.
/// </summary>
public abstract record DetectorEvent
{
    // Only this assembly derives (the records below): consumers switch over them exhaustively.
    private protected DetectorEvent(long at) => At = at;

    public long At { get; }
}

/// <summary>An IP was banned (its <paramref name="Offence"/>-th time) because <paramref name="Condition"/> fired with
/// the IP's <paramref name="Rate"/> against the per-IP <paramref name="Mean"/>/<paramref name="Std"/>; or manually
/// (condition "manual", zero figures). <paramref name="ExpiresAt"/> null = permanent.</summary>
public sealed record BanImposed(long At, IpKey Ip, int Offence, long? ExpiresAt, string Condition, double Rate, double Mean, double Std)
    : DetectorEvent(At)
{
    /// <summary>Seconds the ban lasts; null = permanent.</summary>
    public long? DurationSeconds => ExpiresAt - At;
}

/// <summary>A ban was lifted for <paramref name="Reason"/> ("expired", "manual"). <paramref name="BanDurationSeconds"/>
/// is the length of the lifted ban (null = it was permanent); rate, mean and std are the IP's figures at unban time.</summary>
public sealed record BanLifted(long At, IpKey Ip, string Reason, long? BanDurationSeconds, double Rate, double Mean, double Std)
    : DetectorEvent(At);

/// <summary>A site-wide anomaly, once per episode: the 60 s site <paramref name="Rate"/> against the site baseline.
/// No IP is banned for it. (Its breadth, the distinct and top sources, is read by Slack from the live statistics.)</summary>
public sealed record GlobalAlertRaised(long At, string Condition, double Rate, double Mean, double Std) : DetectorEvent(At)
{
    public static GlobalAlertRaised From(GlobalAlert alert) => new(alert.Second, alert.Condition, alert.Rate, alert.Mean, alert.Std);
}

/// <summary>Lines kept arriving from an IP banned at <paramref name="BannedAt"/> after the grace period: the firewall
/// misses its traffic. <paramref name="Rate"/> is those <paramref name="LinesAfterBan"/> over the seconds since the
/// ban; mean and std are the per-IP baseline's.</summary>
public sealed record BanIneffective(long At, IpKey Ip, long BannedAt, long? ExpiresAt, long LinesAfterBan, double Rate, double Mean, double Std)
    : DetectorEvent(At)
{
    /// <summary>Seconds the ban lasts; null = permanent.</summary>
    public long? BanDurationSeconds => ExpiresAt - BannedAt;
}

/// <summary>What the firewall failed to do.</summary>
public enum FirewallOperation
{
    Ban,
    Unban,
    Reconcile,
}

/// <summary>A firewall command failed after its retries; the ledger keeps the desired state. <paramref name="Ip"/> is
/// null for a reconcile; <paramref name="BanDurationSeconds"/> applies to a ban only (null there = permanent).
/// <paramref name="Reason"/> is one line without '|'.</summary>
public sealed record FirewallFailed(long At, FirewallOperation Operation, IpKey? Ip, string Reason, long? BanDurationSeconds)
    : DetectorEvent(At)
{
    /// <summary>The backend that failed, when several run (<c>ipset,nginx</c>); null with one backend.</summary>
    public string? Backend { get; init; }

    /// <summary>The audit line's condition: the reason, after the backend's name when there is one.</summary>
    public string Condition => Backend is null ? Reason : $"{Backend}: {Reason}";
}

/// <summary>The baseline was recomputed (at <see cref="BaselineSnapshot.ComputedAtSecond"/>) while the 60 s site rate
/// was <paramref name="Rate"/>.</summary>
public sealed record BaselineRecomputed(BaselineSnapshot Snapshot, double Rate) : DetectorEvent(Snapshot.ComputedAtSecond);

/// <summary>A verdict that would have banned an IP that is never banned (loopback, this host, allowlist, trusted
/// proxy), once per episode; <paramref name="Exemption"/> says which ("allowlist", "trusted_proxy", ...).</summary>
public sealed record AnomalyAllowlisted(long At, IpVerdict Verdict, string Exemption) : DetectorEvent(At)
{
    public IpKey Ip => Verdict.Ip;
}

/// <summary>Where a refused ban came from: an operator (API, CLI), a ban stored in the ledger (recovered from
/// storage, or one whose address became exempt later: a new host address, a changed allowlist), or the range rule
/// (a network several of whose addresses were banned).</summary>
public enum BanSource
{
    Manual,
    Ledger,
    Range,
}

/// <summary>A ban of an address that may never be banned was refused (<paramref name="Exemption"/> says why:
/// "unspecified", "multicast", "host_address", "allowlist=…"). A stored one is lifted from the ledger and never
/// reaches the kernel; audited once.</summary>
public sealed record BanRefused(long At, IpKey Ip, BanSource Source, string Exemption) : DetectorEvent(At);

/// <summary>
/// An account attacked from many networks (a distributed password-guessing or credential-stuffing campaign), once per
/// campaign: <paramref name="Failures"/> failed logins in the last <paramref name="WindowSeconds"/> from
/// <paramref name="Addresses"/> addresses in <paramref name="Networks"/> networks, at most
/// <paramref name="MaxPerAddress"/> from any one. <paramref name="Account"/> is the login name as logged (untrusted;
/// null once withheld, <see cref="WithoutAccountName"/>); <paramref name="AccountId"/> its pseudonym
/// (<see cref="AccountNames.Pseudonym"/>), which bans of the campaign's addresses name.
/// </summary>
public sealed record AccountAttacked(long At, string? Account, string AccountId, string Condition, int Failures, int Addresses,
    int Networks, int MaxPerAddress, int WindowSeconds) : DetectorEvent(At)
{
    /// <summary>The same event without the name: what leaves the host unless configured otherwise.</summary>
    public AccountAttacked WithoutAccountName() => this with { Account = null };

    /// <summary>Failed logins per second over the window.</summary>
    public double Rate => (double)Failures / WindowSeconds;
}

/// <summary>A network (<paramref name="Range"/>) was banned as one entry because <paramref name="Members"/> were
/// banned within the range rule's window (<paramref name="Condition"/>, "range>=3/600s"); their own bans are folded
/// into it. Its own ladder: <paramref name="Offence"/>. <paramref name="Mean"/>/<paramref name="Std"/>: the per-IP
/// baseline then. <paramref name="ExpiresAt"/> null = permanent.</summary>
public sealed record RangeBanImposed(long At, Cidr Range, int Offence, long? ExpiresAt, string Condition, IReadOnlyList<IpKey> Members, double Mean, double Std)
    : DetectorEvent(At)
{
    /// <summary>Seconds the ban lasts; null = permanent.</summary>
    public long? DurationSeconds => ExpiresAt - At;
}

/// <summary>A range ban was lifted ("expired", "manual"), and with it every ban it held. <paramref name="Members"/>
/// are the addresses that led to it; <paramref name="BanDurationSeconds"/> its length (null = permanent).</summary>
public sealed record RangeBanLifted(long At, Cidr Range, string Reason, long? BanDurationSeconds, IReadOnlyList<IpKey> Members, double Mean, double Std)
    : DetectorEvent(At);

/// <summary>A range ban was refused because the network covers an address never banned (<paramref name="Exemption"/>):
/// by the range rule (<see cref="BanSource.Range"/>; the <paramref name="Members"/> stay banned each on its own) or a
/// stored range ban that came to cover one (<see cref="BanSource.Ledger"/>; lifted).</summary>
public sealed record RangeBanRefused(long At, Cidr Range, BanSource Source, IReadOnlyList<IpKey> Members, string Exemption) : DetectorEvent(At);
