namespace Detector.Enforcement.Firewall;

/// <summary>The iptables operations the ipset and iptables backends share: is a chain there, is a rule there,
/// insert it once.</summary>
public sealed class IptablesHooks(CommandExecutor executor, IptablesTools tools, bool hookDockerUser = true)
{
    public IptablesTools Tools => tools;

    /// <summary>INPUT, plus DOCKER-USER when Docker created it (checked each time: Docker may start after Detector)
    /// unless hooking it is turned off.</summary>
    public async Task<IReadOnlyList<string>> ChainsAsync(bool v6, CancellationToken cancellationToken)
    {
        if (!hookDockerUser) return [FirewallSettings.InputChain];
        var dockerUser = await executor.ProbeAsync(ListChain(v6, FirewallSettings.DockerUserChain), cancellationToken);
        return dockerUser.Succeeded
            ? [FirewallSettings.InputChain, FirewallSettings.DockerUserChain]
            : [FirewallSettings.InputChain];
    }

    public FirewallCommand ListChain(bool v6, string chain) => new(tools.Command(v6), ["-w", "5", "-S", chain]);

    public FirewallCommand Check(bool v6, string chain, IReadOnlyList<string> rule) => new(tools.Command(v6), ["-w", "5", "-C", chain, .. rule]);

    /// <summary>At the top of the chain, before Docker's own rules and any ACCEPT of established traffic.</summary>
    public FirewallCommand Insert(bool v6, string chain, IReadOnlyList<string> rule) => new(tools.Command(v6), ["-w", "5", "-I", chain, "1", .. rule]);

    public FirewallCommand Delete(bool v6, string chain, IReadOnlyList<string> rule) => new(tools.Command(v6), ["-w", "5", "-D", chain, .. rule]);

    /// <summary>Inserts the rule unless <c>-C</c> finds it: never a duplicate. True when it inserted.</summary>
    public async Task<bool> EnsureAsync(bool v6, string chain, IReadOnlyList<string> rule, CancellationToken cancellationToken)
    {
        if ((await executor.ProbeAsync(Check(v6, chain, rule), cancellationToken)).Succeeded) return false;
        await executor.RunAsync(Insert(v6, chain, rule), cancellationToken);
        return true;
    }

    /// <summary>Deletes the rule while <c>-C</c> finds it (also a duplicate someone else inserted).</summary>
    public async Task RemoveAsync(bool v6, string chain, IReadOnlyList<string> rule, CancellationToken cancellationToken)
    {
        for (var i = 0; i < 8 && (await executor.ProbeAsync(Check(v6, chain, rule), cancellationToken)).Succeeded; i++)
            await executor.RunAsync(Delete(v6, chain, rule), cancellationToken);
    }
}
