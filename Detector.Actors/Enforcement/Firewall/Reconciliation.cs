using Detector.Ingest;
using Detector.Domain;

namespace Detector.Enforcement.Firewall;

/// <summary>A ban the ledger wants in the kernel: the banned IP and what the kernel blocks for it (the address; for a
/// range ban, Ip is the network's address and Target the network). ExpiresAt: event-time Unix seconds, null = permanent.</summary>
public sealed record DesiredBan(IpKey Ip, long? ExpiresAt, BanTarget Target)
{
    /// <summary>A ban of the address alone.</summary>
    public DesiredBan(IpKey ip, long? expiresAt) : this(ip, expiresAt, BanTarget.For(ip)) { }
}

/// <summary>A kernel entry to write: the target and its kernel timeout in seconds (null = no timeout).</summary>
public readonly record struct TargetEntry(BanTarget Target, long? TimeoutSeconds);

/// <summary>What one reconcile changes: entries to add (missing from the kernel) and targets to remove (expired or
/// unknown to the ledger), both sorted.</summary>
public sealed record ReconcileDiff(IReadOnlyList<TargetEntry> ToAdd, IReadOnlyList<BanTarget> ToRemove)
{
    public static readonly ReconcileDiff Empty = new([], []);

    public bool IsEmpty => ToAdd.Count == 0 && ToRemove.Count == 0;
}

/// <summary>What a reconcile did: entries added and removed, and how many entries Detector's own set/chain holds now.</summary>
public sealed record ReconcileResult(int Added, int Removed, int Size)
{
    /// <summary>Entries the kernel refused when they were applied one by one after the bulk apply failed; every other
    /// entry was applied. Empty (the same instance) when nothing was refused.</summary>
    public IReadOnlyList<RejectedTarget> Rejected { get; init; } = Array.Empty<RejectedTarget>();
}

/// <summary>A kernel entry the backend refused during a reconcile (<paramref name="Adding"/>: it was to be added, else
/// removed), with the command's error.</summary>
public sealed record RejectedTarget(BanTarget Target, bool Adding, string Reason);

/// <summary>The pure part of reconcile: desired bans at a time against what the kernel holds.</summary>
public static class Reconciliation
{
    /// <summary>Longest timeout ipset accepts (2^31/1000 s, about 24.8 days); longer bans are re-added by reconcile.</summary>
    public const long MaxKernelTimeoutSeconds = 2_147_483;

    /// <summary>Active bans at <paramref name="now"/> grouped into kernel targets. A target's timeout is its longest
    /// remaining ban (permanent wins); bans already expired are not desired, whatever the ledger has yet to process.</summary>
    public static IReadOnlyDictionary<BanTarget, long?> DesiredTargets(IEnumerable<DesiredBan> desired, long now)
    {
        var targets = new Dictionary<BanTarget, long?>();
        foreach (var ban in desired)
        {
            long? remaining = ban.ExpiresAt is { } expiresAt ? expiresAt - now : null;
            if (remaining <= 0) continue;
            var target = ban.Target;
            if (targets.TryGetValue(target, out var existing))
                targets[target] = existing is null || remaining is null ? null : Math.Max(existing.Value, remaining.Value);
            else targets[target] = remaining;
        }
        return targets;
    }

    public static ReconcileDiff Diff(IReadOnlyDictionary<BanTarget, long?> desired, IReadOnlyCollection<BanTarget> actual)
    {
        var present = actual as IReadOnlySet<BanTarget> ?? actual.ToHashSet();
        var toAdd = desired.Where(d => !present.Contains(d.Key))
            .Select(d => new TargetEntry(d.Key, d.Value))
            .OrderBy(e => e.Target)
            .ToList();
        var toRemove = present.Where(t => !desired.ContainsKey(t)).Order().ToList();
        return toAdd.Count == 0 && toRemove.Count == 0 ? ReconcileDiff.Empty : new ReconcileDiff(toAdd, toRemove);
    }

    /// <summary>
    /// The fallback when a bulk apply failed: <c>ipset restore</c> stops at the first line it refuses and <c>nft -f</c>
    /// refuses the whole transaction, so one bad entry would otherwise keep every other ban out of the kernel. Applies
    /// each removal and addition on its own and reports the ones refused.
    /// </summary>
    /// <param name="sizeBefore">Entries the set held before the reconcile.</param>
    public static async Task<ReconcileResult> ApplyOneByOneAsync(
        ReconcileDiff diff, int sizeBefore, Func<BanTarget, Task> remove, Func<TargetEntry, Task> add)
    {
        var rejected = new List<RejectedTarget>();
        int removed = 0, added = 0;
        foreach (var target in diff.ToRemove)
        {
            try { await remove(target); removed++; }
            catch (FirewallCommandException e) { rejected.Add(new RejectedTarget(target, Adding: false, e.Message)); }
        }
        foreach (var entry in diff.ToAdd)
        {
            try { await add(entry); added++; }
            catch (FirewallCommandException e) { rejected.Add(new RejectedTarget(entry.Target, Adding: true, e.Message)); }
        }
        return new ReconcileResult(added, removed, sizeBefore + added - removed) { Rejected = rejected };
    }

    /// <summary>Seconds for a kernel timeout: at least 1, at most what ipset accepts; null stays permanent.</summary>
    public static long? KernelTimeout(TimeSpan? duration) =>
        duration is { } d ? Math.Clamp((long)Math.Ceiling(d.TotalSeconds), 1, MaxKernelTimeoutSeconds) : null;

    public static long? KernelTimeout(long? seconds) =>
        seconds is { } s ? Math.Clamp(s, 1, MaxKernelTimeoutSeconds) : null;
}
