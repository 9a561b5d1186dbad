using System.Globalization;
using Detector.Configuration;
using Detector.Domain;

namespace Detector.Enforcement.Firewall.Cloudflare;

/// <summary>
/// Bans as items of Detector's own Cloudflare IP list, which a WAF custom rule (<c>ip.src in $detector_banned</c>,
/// action block) enforces at Cloudflare's edge: the backend for sites behind Cloudflare, where the kernel only ever
/// sees Cloudflare's addresses. The list holds exactly the desired bans: reconcile adds what is missing and removes
/// what is not desired (items Detector did not write included; the list is its own). Bans and unbans between
/// reconciles are batched: they wait for the next flush, which writes them in one add and one delete.
/// </summary>
/// <remarks>
/// Lists hold IPv4 addresses and networks, and IPv6 networks of /64 or wider only: an IPv6 target narrower than /64 is
/// refused until the network is banned as a range (<c>Ipv6Range:MinAddresses</c> 1 does that at once). Items have no expiry: an expired ban goes when the ledger
/// unbans it, or at the next reconcile. Over <see cref="CloudflareSettings.MaxItems"/>, reconcile leaves out the bans
/// expiring soonest (permanent ones last; <see cref="CloudflareListCapacity"/>) and reports each as refused.
/// </remarks>
public sealed class CloudflareListFirewall(CloudflareApi api) : IBatchedFirewall
{
    public const string Comment = "detector";

    private readonly object _gate = new();
    private readonly Dictionary<BanTarget, long?> _toAdd = [];
    private readonly HashSet<BanTarget> _toRemove = [];

    public string Name => FirewallBackend.Cloudflare.Name();
    public FirewallStats Stats { get; } = new(FirewallBackend.Cloudflare.Name());

    /// <summary>How long a ban or unban waits for more to share its flush.</summary>
    public TimeSpan FlushDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public async Task PrepareAsync(CancellationToken cancellationToken = default)
    {
        var (kind, _) = await api.GetListAsync(cancellationToken);
        if (kind != "ip")
            throw new CloudflareApiException($"cloudflare list {api.Settings.ListId} is a list of kind '{kind}', not 'ip'");
    }

    public Task BanAsync(BanTarget target, TimeSpan? duration, CancellationToken cancellationToken = default)
    {
        CheckFits(target);
        lock (_gate)
        {
            _toRemove.Remove(target);
            _toAdd[target] = Reconciliation.KernelTimeout(duration);
        }
        return Task.CompletedTask;
    }

    public Task UnbanAsync(BanTarget target, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _toAdd.Remove(target);
            _toRemove.Add(target);
        }
        return Task.CompletedTask;
    }

    /// <summary>Writes the bans and unbans told since the last flush: one add and one delete request. On failure they
    /// stay queued for the next flush (or reconcile).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        Dictionary<BanTarget, long?> adds;
        HashSet<BanTarget> removes;
        lock (_gate)
        {
            if (_toAdd.Count == 0 && _toRemove.Count == 0) return;
            adds = new Dictionary<BanTarget, long?>(_toAdd);
            removes = [.. _toRemove];
        }
        var listing = await ReadAsync(cancellationToken);
        var toAdd = adds.Where(a => !listing.Ids.ContainsKey(a.Key)).Select(a => new TargetEntry(a.Key, a.Value)).OrderBy(e => e.Target).ToList();
        var toRemove = removes.Where(listing.Ids.ContainsKey).Order().ToList();
        await ApplyAsync(new ReconcileDiff(toAdd, toRemove), listing, cancellationToken);
        lock (_gate)
        {
            foreach (var (target, timeout) in adds)
                if (_toAdd.TryGetValue(target, out var now) && now == timeout) _toAdd.Remove(target);
            foreach (var target in removes) _toRemove.Remove(target);
        }
        Stats.SetSize(listing.Count + toAdd.Count - toRemove.Count);
    }

    public async Task<IReadOnlyList<BanTarget>> ListAsync(CancellationToken cancellationToken = default) =>
        [.. (await ReadAsync(cancellationToken)).Ids.Keys.Order()];

    public async Task<ReconcileResult> ReconcileAsync(IReadOnlyCollection<DesiredBan> desired, long now, CancellationToken cancellationToken = default)
    {
        var rejected = new List<RejectedTarget>();
        var fitting = new Dictionary<BanTarget, long?>();
        foreach (var (target, remaining) in Reconciliation.DesiredTargets(desired, now))
        {
            if (Misfit(target) is { } reason) rejected.Add(new RejectedTarget(target, Adding: true, reason));
            else fitting[target] = remaining;
        }
        var (kept, leftOut) = CloudflareListCapacity.Fit(fitting, api.Settings.MaxItems);
        foreach (var target in leftOut)
            rejected.Add(new RejectedTarget(target, Adding: true,
                $"the cloudflare list holds at most {api.Settings.MaxItems} items: the bans expiring soonest are left out"));

        var listing = await ReadAsync(cancellationToken);
        var diff = Reconciliation.Diff(kept, listing.Ids.Keys.ToHashSet());
        await ApplyAsync(diff, listing, cancellationToken);
        // Everything told before this reconcile is now the list's state.
        lock (_gate)
        {
            _toAdd.Clear();
            _toRemove.Clear();
        }
        return new ReconcileResult(diff.ToAdd.Count, diff.ToRemove.Count, listing.Count + diff.ToAdd.Count - diff.ToRemove.Count)
        {
            Rejected = rejected.Count == 0 ? Array.Empty<RejectedTarget>() : rejected,
        };
    }

    /// <summary>What the list holds: each target and its item ids (an address may have been added twice by hand).
    /// Items that are no address are skipped: the list is Detector's own.</summary>
    private sealed record Listing(Dictionary<BanTarget, List<string>> Ids)
    {
        public int Count => Ids.Count;
    }

    private async Task<Listing> ReadAsync(CancellationToken cancellationToken)
    {
        var ids = new Dictionary<BanTarget, List<string>>();
        foreach (var item in await api.ListItemsAsync(cancellationToken))
            if (BanTarget.TryParse(item.Ip, out var target))
                (ids.TryGetValue(target, out var list) ? list : ids[target] = []).Add(item.Id);
        return new Listing(ids);
    }

    private async Task ApplyAsync(ReconcileDiff diff, Listing listing, CancellationToken cancellationToken)
    {
        if (diff.ToRemove.Count > 0)
            await api.DeleteItemsAsync(diff.ToRemove.SelectMany(t => listing.Ids.GetValueOrDefault(t) ?? []).ToList(), cancellationToken);
        if (diff.ToAdd.Count > 0)
            await api.AddItemsAsync(diff.ToAdd.Select(e => (Item(e.Target), ItemComment(e.TimeoutSeconds))).ToList(), cancellationToken);
    }

    /// <summary>How the list spells a target: an IPv4 address alone, networks as CIDR.</summary>
    public static string Item(BanTarget target) => target.IsV4 && target.IsHost ? target.Network.ToString() : target.ToCidr();

    private static string ItemComment(long? timeoutSeconds) =>
        timeoutSeconds is { } s ? string.Create(CultureInfo.InvariantCulture, $"{Comment}: ban for {s} s") : $"{Comment}: permanent ban";

    private static void CheckFits(BanTarget target)
    {
        if (Misfit(target) is { } reason) throw new CloudflareApiException(reason);
    }

    /// <summary>Why a target cannot be a list item, or null.</summary>
    public static string? Misfit(BanTarget target) =>
        !target.IsV4 && target.PrefixLength > 64
            ? $"cloudflare lists hold IPv6 networks of /64 or wider only, not {target}: its /64 is banned there once it is a range ban (Detector:Enforcement:Ipv6Range:MinAddresses 1 does that at the first offence)"
            : null;
}
