using System.Globalization;
using System.Text;
using System.Text.Json;
using Detector.Ingest;
using Detector.Domain;
using Detector.Configuration;

namespace Detector.Enforcement.Firewall;

/// <summary>
/// <c>table inet detector</c>: sets <c>banned_v4</c> / <c>banned_v6</c> with per-element timeouts, and base chains
/// on the input and forward hooks (priority filter - 10, ahead of iptables-nft's and Docker's chains) that drop
/// set members. The forward hook covers Docker-published ports. Everything is applied as <c>nft -f -</c> transactions.
/// </summary>
public sealed class NftablesFirewall(CommandExecutor executor, FirewallSettings? settings = null) : IFirewall
{
    private const string Table = "inet " + FirewallSettings.NftTable;
    private readonly FirewallSettings _settings = settings ?? FirewallSettings.Default;

    public string Name => FirewallBackend.Nftables.Name();
    public FirewallStats Stats { get; } = new(FirewallBackend.Nftables.Name());

    public static string SetFor(bool v6) => v6 ? FirewallSettings.NftIpv6Set : FirewallSettings.NftIpv4Set;

    /// <summary>Declares the table, sets and chains (existing ones are kept with their elements) and rewrites the
    /// rules of Detector's own chains, in one transaction: never a duplicate rule. A set in <paramref name="remake"/>
    /// (true: the IPv6 one) is deleted and made again, after the rules that use it are flushed.</summary>
    public string PrepareScript(IReadOnlyCollection<bool>? remake = null)
    {
        var v4Flags = _settings.HoldsNetworks(v6: false) ? "interval,timeout" : "timeout";
        var v6Flags = _settings.HoldsNetworks(v6: true) ? "interval,timeout" : "timeout";
        var script = new StringBuilder()
            .Append("add table ").Append(Table).Append('\n');
        if (remake is { Count: > 0 })
        {
            foreach (var (chain, hook) in new[] { ("input", "input"), ("forward", "forward") })
                script.Append("add chain ").Append(Table).Append(' ').Append(chain)
                    .Append(" { type filter hook ").Append(hook).Append(" priority filter - 10; policy accept; }\n")
                    .Append("flush chain ").Append(Table).Append(' ').Append(chain).Append('\n');
            foreach (var v6 in remake) script.Append("delete set ").Append(Table).Append(' ').Append(SetFor(v6)).Append('\n');
        }
        script
            .Append("add set ").Append(Table).Append(' ').Append(FirewallSettings.NftIpv4Set).Append(" { type ipv4_addr; flags ").Append(v4Flags).Append("; }\n")
            .Append("add set ").Append(Table).Append(' ').Append(FirewallSettings.NftIpv6Set).Append(" { type ipv6_addr; flags ").Append(v6Flags).Append("; }\n");
        foreach (var (chain, hook) in new[] { ("input", "input"), ("forward", "forward") })
        {
            script.Append("add chain ").Append(Table).Append(' ').Append(chain)
                .Append(" { type filter hook ").Append(hook).Append(" priority filter - 10; policy accept; }\n")
                .Append("flush chain ").Append(Table).Append(' ').Append(chain).Append('\n')
                .Append("add rule ").Append(Table).Append(' ').Append(chain).Append(" ip saddr @").Append(FirewallSettings.NftIpv4Set).Append(" drop\n")
                .Append("add rule ").Append(Table).Append(' ').Append(chain).Append(" ip6 saddr @").Append(FirewallSettings.NftIpv6Set).Append(" drop\n");
        }
        return script.ToString();
    }

    /// <summary>A set made before range bans were turned on cannot hold networks, and nft refuses to redefine it (the
    /// whole prepare would fail, and every ban with it): such a set is made again; the reconcile that follows re-adds
    /// its elements.</summary>
    public async Task PrepareAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyCollection<bool> remake = [];
        if (_settings.HoldsNetworks(v6: false) || _settings.HoldsNetworks(v6: true))
        {
            // Terse: the declarations without their elements, which may be a hundred thousand.
            var table = await executor.ProbeAsync(new FirewallCommand("nft", ["-t", "-j", "list", "table", "inet", FirewallSettings.NftTable]), cancellationToken);
            if (table.Succeeded)
                remake = SetsWithoutIntervals(table.StandardOutput).Where(_settings.HoldsNetworks).ToList();
        }
        await executor.RunAsync(Script(PrepareScript(remake)), cancellationToken);
    }

    /// <summary>Which of Detector's sets in <c>nft -t -j list table</c> output lack the interval flag (true: the IPv6 one).</summary>
    public static IEnumerable<bool> SetsWithoutIntervals(string json)
    {
        using var document = JsonDocument.Parse(json);
        var found = new List<bool>();
        foreach (var item in document.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (!item.TryGetProperty("set", out var set) || !set.TryGetProperty("name", out var name)) continue;
            var v6 = name.GetString() == FirewallSettings.NftIpv6Set;
            if (!v6 && name.GetString() != FirewallSettings.NftIpv4Set) continue;
            var interval = set.TryGetProperty("flags", out var flags) && (flags.ValueKind == JsonValueKind.Array
                ? flags.EnumerateArray().Any(f => f.GetString() == "interval")
                : flags.GetString() == "interval");
            if (!interval) found.Add(v6);
        }
        return found;
    }

    public static FirewallCommand Script(string script) => new("nft", ["-f", "-"], script);

    public static FirewallCommand Add(TargetEntry entry)
    {
        List<string> args = ["add", "element", "inet", FirewallSettings.NftTable, SetFor(!entry.Target.IsV4), "{", entry.Target.ToString()];
        if (entry.TimeoutSeconds is { } t) args.AddRange(["timeout", Seconds(t)]);
        args.Add("}");
        return new FirewallCommand("nft", args);
    }

    /// <summary>Add-then-delete in one transaction: removing an element that already vanished is no error.</summary>
    public static FirewallCommand Delete(BanTarget target) => Script(Elements("add", [target]) + Elements("delete", [target]));

    public Task BanAsync(BanTarget target, TimeSpan? duration, CancellationToken cancellationToken = default) =>
        executor.RunAsync(Add(new TargetEntry(target, Reconciliation.KernelTimeout(duration))), cancellationToken);

    public Task UnbanAsync(BanTarget target, CancellationToken cancellationToken = default) =>
        executor.RunAsync(Delete(target), cancellationToken);

    public async Task<IReadOnlyList<BanTarget>> ListAsync(CancellationToken cancellationToken = default)
    {
        var targets = new List<BanTarget>();
        foreach (var v6 in new[] { false, true })
        {
            var listing = await executor.RunAsync(new FirewallCommand("nft", ["-j", "list", "set", "inet", FirewallSettings.NftTable, SetFor(v6)]), cancellationToken);
            targets.AddRange(ParseJsonSet(listing.StandardOutput));
        }
        return targets;
    }

    /// <summary>Members of <c>nft -j list set</c>: plain addresses, <c>{"elem":{"val":…}}</c> with a timeout, and
    /// <c>{"prefix":{"addr":…,"len":…}}</c> networks.</summary>
    public static IEnumerable<BanTarget> ParseJsonSet(string json)
    {
        using var document = JsonDocument.Parse(json);
        var result = new List<BanTarget>();
        foreach (var item in document.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (!item.TryGetProperty("set", out var set) || !set.TryGetProperty("elem", out var elements)) continue;
            foreach (var element in elements.EnumerateArray())
                if (TryReadElement(element, out var target)) result.Add(target);
        }
        return result;
    }

    private static bool TryReadElement(JsonElement element, out BanTarget target)
    {
        target = default;
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return BanTarget.TryParse(element.GetString()!, out target);
            case JsonValueKind.Object when element.TryGetProperty("elem", out var inner) && inner.TryGetProperty("val", out var value):
                return TryReadElement(value, out target);
            case JsonValueKind.Object when element.TryGetProperty("prefix", out var prefix):
                return BanTarget.TryParse($"{prefix.GetProperty("addr").GetString()}/{prefix.GetProperty("len").GetInt32()}", out target);
            default:
                return false;
        }
    }

    public async Task<ReconcileResult> ReconcileAsync(IReadOnlyCollection<DesiredBan> desired, long now, CancellationToken cancellationToken = default)
    {
        await PrepareAsync(cancellationToken);
        var actual = await ListAsync(cancellationToken);
        var diff = Reconciliation.Diff(Reconciliation.DesiredTargets(desired, now), actual);
        if (!diff.IsEmpty)
        {
            try
            {
                await executor.RunAsync(Script(ReconcileScript(diff, _settings.BatchSize)), cancellationToken);
            }
            catch (FirewallCommandException)
            {
                // nft -f refuses the whole transaction for one bad element: one entry must not keep the others out.
                return await Reconciliation.ApplyOneByOneAsync(diff, actual.Count,
                    target => executor.RunAsync(Delete(target), cancellationToken),
                    entry => executor.RunAsync(Add(entry), cancellationToken));
            }
        }
        return new ReconcileResult(diff.ToAdd.Count, diff.ToRemove.Count, actual.Count + diff.ToAdd.Count - diff.ToRemove.Count);
    }

    /// <summary>One transaction: removals (add-then-delete, so an element that timed out meanwhile is no error),
    /// then additions, <paramref name="batchSize"/> elements per statement.</summary>
    public static string ReconcileScript(ReconcileDiff diff, int batchSize)
    {
        var script = new StringBuilder();
        foreach (var chunk in diff.ToRemove.Chunk(batchSize))
        {
            script.Append(Elements("add", chunk));
            script.Append(Elements("delete", chunk));
        }
        foreach (var family in diff.ToAdd.GroupBy(e => e.Target.IsV4))
            foreach (var chunk in family.Chunk(batchSize))
            {
                script.Append("add element ").Append(Table).Append(' ').Append(SetFor(!family.Key)).Append(" { ");
                for (var i = 0; i < chunk.Length; i++)
                {
                    if (i > 0) script.Append(", ");
                    script.Append(chunk[i].Target);
                    if (chunk[i].TimeoutSeconds is { } t) script.Append(" timeout ").Append(Seconds(t));
                }
                script.Append(" }\n");
            }
        return script.ToString();
    }

    private static string Elements(string verb, IReadOnlyList<BanTarget> targets)
    {
        var script = new StringBuilder();
        foreach (var family in targets.GroupBy(t => t.IsV4))
            script.Append(verb).Append(" element ").Append(Table).Append(' ').Append(SetFor(!family.Key))
                .Append(" { ").AppendJoin(", ", family).Append(" }\n");
        return script.ToString();
    }

    private static string Seconds(long seconds) => seconds.ToString(CultureInfo.InvariantCulture) + "s";
}
