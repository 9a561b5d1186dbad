using System.Globalization;
using System.Text;
using Detector.Ingest;
using Detector.Domain;
using Detector.Configuration;

namespace Detector.Enforcement.Firewall;

/// <summary>
/// The default backend: ipsets <c>detector-v4</c> / <c>detector-v6</c> (hash:ip, or hash:net when range bans of
/// the family are on) with a kernel timeout per entry as a backstop, each matched by one DROP rule in INPUT and in
/// DOCKER-USER when that chain exists. A ban costs O(1) per packet however many IPs are banned.
/// </summary>
public sealed class IpsetFirewall : IFirewall
{
    private readonly CommandExecutor _executor;
    private readonly IptablesHooks _hooks;
    private readonly FirewallSettings _settings;

    public IpsetFirewall(CommandExecutor executor, IptablesTools tools, FirewallSettings? settings = null)
    {
        _executor = executor;
        _settings = settings ?? FirewallSettings.Default;
        _hooks = new IptablesHooks(executor, tools, _settings.HookDockerUser);
    }

    public string Name => FirewallBackend.Ipset.Name();
    public FirewallStats Stats { get; } = new(FirewallBackend.Ipset.Name());

    public static string SetFor(bool v6) => v6 ? FirewallSettings.Ipv6Set : FirewallSettings.Ipv4Set;

    public static IReadOnlyList<string> DropRule(bool v6) => ["-m", "set", "--match-set", SetFor(v6), "src", "-j", "DROP"];

    public FirewallCommand CreateSet(bool v6)
    {
        var type = _settings.HoldsNetworks(v6) ? "hash:net" : "hash:ip";
        return new FirewallCommand("ipset", ["create", SetFor(v6), type, "family", v6 ? "inet6" : "inet",
            "timeout", "0", "maxelem", _settings.MaxEntries.ToString(CultureInfo.InvariantCulture)]);
    }

    /// <summary>Timeout 0 is permanent in a set created with timeout support.</summary>
    public static FirewallCommand Add(TargetEntry entry) =>
        new("ipset", ["add", SetFor(!entry.Target.IsV4), entry.Target.ToString(), "timeout", Timeout(entry.TimeoutSeconds), "-exist"]);

    public static FirewallCommand Delete(BanTarget target) => new("ipset", ["del", SetFor(!target.IsV4), target.ToString(), "-exist"]);

    public async Task PrepareAsync(CancellationToken cancellationToken = default)
    {
        var names = (await _executor.RunAsync(new FirewallCommand("ipset", ["list", "-n"]), cancellationToken)).StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToHashSet();
        List<Exception>? failures = null;
        foreach (var v6 in new[] { false, true })
        {
            try
            {
                if (!names.Contains(SetFor(v6))) await _executor.RunAsync(CreateSet(v6), cancellationToken);
                else if (_settings.HoldsNetworks(v6) && !await HoldsNetworksAsync(v6, cancellationToken))
                {
                    // A hash:ip set made before range bans were turned on: it refuses an IPv6 network and would spread an
                    // IPv4 one into its addresses. Made again (unhooked first: a set in use cannot be destroyed); the
                    // reconcile that follows re-adds its entries.
                    foreach (var chain in await _hooks.ChainsAsync(v6, cancellationToken))
                        await _hooks.RemoveAsync(v6, chain, DropRule(v6), cancellationToken);
                    await _executor.RunAsync(new FirewallCommand("ipset", ["destroy", SetFor(v6)]), cancellationToken);
                    await _executor.RunAsync(CreateSet(v6), cancellationToken);
                }
                foreach (var chain in await _hooks.ChainsAsync(v6, cancellationToken))
                    await _hooks.EnsureAsync(v6, chain, DropRule(v6), cancellationToken);
            }
            catch (FirewallCommandException e)
            {
                // One family failing (no ip6tables support, say) must not leave the other unprotected.
                (failures ??= []).Add(e);
            }
        }
        if (failures is not null) throw failures[0];
    }

    private async Task<bool> HoldsNetworksAsync(bool v6, CancellationToken cancellationToken)
    {
        var header = await _executor.RunAsync(new FirewallCommand("ipset", ["list", "-t", SetFor(v6)]), cancellationToken);
        return header.StandardOutput.Split('\n').Any(line => line.Trim() == "Type: hash:net");
    }

    public Task BanAsync(BanTarget target, TimeSpan? duration, CancellationToken cancellationToken = default) =>
        _executor.RunAsync(Add(new TargetEntry(target, Reconciliation.KernelTimeout(duration))), cancellationToken);

    public Task UnbanAsync(BanTarget target, CancellationToken cancellationToken = default) =>
        _executor.RunAsync(Delete(target), cancellationToken);

    public async Task<IReadOnlyList<BanTarget>> ListAsync(CancellationToken cancellationToken = default)
    {
        var targets = new List<BanTarget>();
        foreach (var v6 in new[] { false, true })
        {
            var save = await _executor.RunAsync(new FirewallCommand("ipset", ["save", SetFor(v6)]), cancellationToken);
            targets.AddRange(ParseSave(save.StandardOutput, SetFor(v6)));
        }
        return targets;
    }

    /// <summary>The members in <c>ipset save</c> output: lines "add SET ADDRESS [timeout N]".</summary>
    public static IEnumerable<BanTarget> ParseSave(string save, string set)
    {
        foreach (var line in save.Split('\n'))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 3 && parts[0] == "add" && parts[1] == set && BanTarget.TryParse(parts[2], out var target))
                yield return target;
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
                await _executor.RunAsync(Restore(diff), cancellationToken);
            }
            catch (FirewallCommandException)
            {
                // ipset restore stops at the first line it refuses: one entry must not keep the others out.
                return await Reconciliation.ApplyOneByOneAsync(diff, actual.Count,
                    target => _executor.RunAsync(Delete(target), cancellationToken),
                    entry => _executor.RunAsync(Add(entry), cancellationToken));
            }
        }
        return new ReconcileResult(diff.ToAdd.Count, diff.ToRemove.Count, actual.Count + diff.ToAdd.Count - diff.ToRemove.Count);
    }

    /// <summary>One <c>ipset restore -exist</c> for the whole diff: adds refresh an existing entry, deletes of a
    /// vanished one are no error.</summary>
    public static FirewallCommand Restore(ReconcileDiff diff)
    {
        var input = new StringBuilder(diff.ToAdd.Count * 40 + diff.ToRemove.Count * 30);
        foreach (var target in diff.ToRemove)
            input.Append("del ").Append(SetFor(!target.IsV4)).Append(' ').Append(target).Append('\n');
        foreach (var entry in diff.ToAdd)
            input.Append("add ").Append(SetFor(!entry.Target.IsV4)).Append(' ').Append(entry.Target)
                .Append(" timeout ").Append(Timeout(entry.TimeoutSeconds)).Append('\n');
        return new FirewallCommand("ipset", ["restore", "-exist"], input.ToString());
    }

    private static string Timeout(long? seconds) =>
        (Reconciliation.KernelTimeout(seconds) ?? 0).ToString(CultureInfo.InvariantCulture);
}
