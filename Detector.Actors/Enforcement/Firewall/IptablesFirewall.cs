using System.Text;
using Detector.Ingest;
using Detector.Domain;
using Detector.Configuration;

namespace Detector.Enforcement.Firewall;

/// <summary>
/// The literal backend: one <c>-s IP -m comment --comment detector -j DROP</c> rule per banned IP at the top of
/// INPUT and, when it exists, DOCKER-USER. The comment marks Detector's rules; nothing else is ever removed.
/// Linear per packet and without kernel timeouts: for operators who want plain iptables rules.
/// </summary>
public sealed class IptablesFirewall(CommandExecutor executor, IptablesTools tools, FirewallSettings? settings = null) : IFirewall
{
    private readonly FirewallSettings _settings = settings ?? FirewallSettings.Default;
    private readonly IptablesHooks _hooks = new(executor, tools, (settings ?? FirewallSettings.Default).HookDockerUser);

    public string Name => FirewallBackend.Iptables.Name();
    public FirewallStats Stats { get; } = new(FirewallBackend.Iptables.Name());

    public static IReadOnlyList<string> DropRule(BanTarget target) =>
        ["-s", target.ToCidr(), "-m", "comment", "--comment", FirewallSettings.RuleComment, "-j", "DROP"];

    public Task PrepareAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public async Task BanAsync(BanTarget target, TimeSpan? duration, CancellationToken cancellationToken = default)
    {
        foreach (var chain in await _hooks.ChainsAsync(!target.IsV4, cancellationToken))
            await _hooks.EnsureAsync(!target.IsV4, chain, DropRule(target), cancellationToken);
    }

    public async Task UnbanAsync(BanTarget target, CancellationToken cancellationToken = default)
    {
        foreach (var chain in await _hooks.ChainsAsync(!target.IsV4, cancellationToken))
            await _hooks.RemoveAsync(!target.IsV4, chain, DropRule(target), cancellationToken);
    }

    /// <summary>Every target with a Detector rule in any chain.</summary>
    public async Task<IReadOnlyList<BanTarget>> ListAsync(CancellationToken cancellationToken = default)
    {
        var targets = new HashSet<BanTarget>();
        foreach (var v6 in new[] { false, true })
            foreach (var rules in (await RulesAsync(v6, cancellationToken)).Values)
                targets.UnionWith(rules);
        return targets.Order().ToList();
    }

    private async Task<Dictionary<string, List<BanTarget>>> RulesAsync(bool v6, CancellationToken cancellationToken)
    {
        var save = await executor.RunAsync(new FirewallCommand(tools.SaveCommand(v6), ["-t", "filter"]), cancellationToken);
        return ParseSave(save.StandardOutput);
    }

    /// <summary>Detector's rules in <c>iptables-save</c> output, by chain: exactly
    /// <c>-A CHAIN -s CIDR -m comment --comment detector -j DROP</c>; any other rule is not Detector's.</summary>
    public static Dictionary<string, List<BanTarget>> ParseSave(string save)
    {
        var byChain = new Dictionary<string, List<BanTarget>>();
        foreach (var raw in save.Split('\n'))
        {
            var parts = raw.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 10 || parts[0] != "-A" || parts[2] != "-s" || !BanTarget.TryParse(parts[3], out var target)) continue;
            if (!parts.AsSpan(4).SequenceEqual(["-m", "comment", "--comment", FirewallSettings.RuleComment, "-j", "DROP"])) continue;
            if (!byChain.TryGetValue(parts[1], out var list)) byChain[parts[1]] = list = [];
            list.Add(target);
        }
        return byChain;
    }

    public async Task<ReconcileResult> ReconcileAsync(IReadOnlyCollection<DesiredBan> desired, long now, CancellationToken cancellationToken = default)
    {
        var wanted = Reconciliation.DesiredTargets(desired, now);
        int added = 0, removed = 0, size = 0;
        List<RejectedTarget>? rejected = null;
        foreach (var v6 in new[] { false, true })
        {
            var family = wanted.Where(w => w.Key.IsV4 != v6).ToDictionary(w => w.Key, w => w.Value);
            var rules = await RulesAsync(v6, cancellationToken);
            var chains = await _hooks.ChainsAsync(v6, cancellationToken);
            var diffs = new List<(string Chain, ReconcileDiff Diff, int Size)>();
            foreach (var chain in chains)
            {
                var actual = rules.GetValueOrDefault(chain) ?? [];
                // A rule present twice is removed in all its copies; the diff adds one back if the ledger wants it.
                var duplicates = actual.GroupBy(t => t).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
                var diff = Reconciliation.Diff(family, actual.Where(t => !duplicates.Contains(t)).ToHashSet());
                if (duplicates.Count > 0)
                    diff = diff with { ToRemove = diff.ToRemove.Concat(actual.Where(duplicates.Contains)).ToList() };
                diffs.Add((chain, diff, actual.Count));
            }
            if (diffs.All(d => d.Diff.IsEmpty))
            {
                size += diffs.Sum(d => d.Size);
                continue;
            }
            try
            {
                await executor.RunAsync(Restore(tools.RestoreCommand(v6), diffs.Select(d => (d.Chain, d.Diff))), cancellationToken);
                foreach (var (_, diff, before) in diffs)
                {
                    added += diff.ToAdd.Count;
                    removed += diff.ToRemove.Count;
                    size += before + diff.ToAdd.Count - diff.ToRemove.Count;
                }
            }
            catch (FirewallCommandException)
            {
                // iptables-restore commits all or nothing: one rule it refuses (a rule removed by someone else between
                // the listing and the apply, a chain that vanished) would keep every other ban out of the kernel.
                foreach (var (chain, diff, before) in diffs)
                {
                    var one = await Reconciliation.ApplyOneByOneAsync(diff, before,
                        target => executor.RunAsync(_hooks.Delete(v6, chain, DropRule(target)), cancellationToken),
                        entry => executor.RunAsync(_hooks.Insert(v6, chain, DropRule(entry.Target)), cancellationToken));
                    added += one.Added;
                    removed += one.Removed;
                    size += one.Size;
                    if (one.Rejected.Count > 0) (rejected ??= []).AddRange(one.Rejected);
                }
            }
        }
        var result = new ReconcileResult(added, removed, size);
        return rejected is null ? result : result with { Rejected = rejected };
    }

    /// <summary>One <c>iptables-restore --noflush</c> per family: deletes Detector's stale rules and inserts the
    /// missing ones; the rest of the ruleset is left as it is.</summary>
    public static FirewallCommand Restore(string restore, IEnumerable<(string Chain, ReconcileDiff Diff)> diffs)
    {
        var input = new StringBuilder("*filter\n");
        foreach (var (chain, diff) in diffs)
        {
            foreach (var target in diff.ToRemove)
                input.Append("-D ").Append(chain).Append(' ').AppendJoin(' ', DropRule(target)).Append('\n');
            foreach (var entry in diff.ToAdd)
                input.Append("-I ").Append(chain).Append(" 1 ").AppendJoin(' ', DropRule(entry.Target)).Append('\n');
        }
        input.Append("COMMIT\n");
        return new FirewallCommand(restore, ["-w", "5", "--noflush"], input.ToString());
    }
}
