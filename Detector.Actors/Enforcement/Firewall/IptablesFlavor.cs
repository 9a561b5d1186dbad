namespace Detector.Enforcement.Firewall;

/// <summary>Which kernel interface the iptables tools program: nf_tables or the legacy xtables.</summary>
public enum IptablesFlavor
{
    Unknown,
    Nft,
    Legacy,
}

/// <summary>What one flavor's <c>iptables-save</c> shows: its rule count and whether it holds Docker's DOCKER-USER chain.</summary>
public sealed record RulesetSummary(int Rules, bool HasDockerUser)
{
    public static RulesetSummary Parse(string save)
    {
        var rules = 0;
        var dockerUser = false;
        foreach (var raw in save.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("-A ", StringComparison.Ordinal)) rules++;
            else if (line.StartsWith(":DOCKER-USER ", StringComparison.Ordinal)) dockerUser = true;
        }
        return new RulesetSummary(rules, dockerUser);
    }
}

/// <summary>The flavor the host uses and why.</summary>
public sealed record IptablesDetection(IptablesFlavor Flavor, IptablesFlavor Default, string Reason);

/// <summary>
/// Rules in the flavor the host does not use are silently ignored by the kernel path that matters, so the flavor
/// is chosen by where the host's rules live: the one holding DOCKER-USER, else the one holding rules, else the
/// default <c>iptables</c> reports.
/// </summary>
public static class IptablesFlavorDetector
{
    /// <summary>"iptables v1.8.9 (nf_tables)" → Nft; "iptables v1.8.9 (legacy)" → Legacy; older builds print no
    /// flavor and are legacy.</summary>
    public static IptablesFlavor ParseVersion(string versionOutput)
    {
        if (string.IsNullOrWhiteSpace(versionOutput)) return IptablesFlavor.Unknown;
        if (versionOutput.Contains("(nf_tables)", StringComparison.Ordinal)) return IptablesFlavor.Nft;
        if (versionOutput.Contains("(legacy)", StringComparison.Ordinal)) return IptablesFlavor.Legacy;
        return versionOutput.StartsWith("iptables v", StringComparison.Ordinal) ? IptablesFlavor.Legacy : IptablesFlavor.Unknown;
    }

    /// <param name="legacy">null when iptables-legacy-save is missing or failed.</param>
    /// <param name="nft">null when iptables-nft-save is missing or failed.</param>
    public static IptablesDetection Decide(IptablesFlavor defaultFlavor, RulesetSummary? legacy, RulesetSummary? nft)
    {
        if (legacy?.HasDockerUser == true && nft?.HasDockerUser != true)
            return new(IptablesFlavor.Legacy, defaultFlavor, "DOCKER-USER is in the legacy ruleset");
        if (nft?.HasDockerUser == true && legacy?.HasDockerUser != true)
            return new(IptablesFlavor.Nft, defaultFlavor, "DOCKER-USER is in the nf_tables ruleset");
        var legacyRules = legacy?.Rules ?? 0;
        var nftRules = nft?.Rules ?? 0;
        if (legacyRules > 0 && nftRules == 0)
            return new(IptablesFlavor.Legacy, defaultFlavor, $"only the legacy ruleset holds rules ({legacyRules})");
        if (nftRules > 0 && legacyRules == 0)
            return new(IptablesFlavor.Nft, defaultFlavor, $"only the nf_tables ruleset holds rules ({nftRules})");
        if (legacyRules > 0 && nftRules > 0)
        {
            var flavor = defaultFlavor != IptablesFlavor.Unknown ? defaultFlavor : legacyRules > nftRules ? IptablesFlavor.Legacy : IptablesFlavor.Nft;
            return new(flavor, defaultFlavor, $"both rulesets hold rules (legacy {legacyRules}, nf_tables {nftRules}); using the default");
        }
        return defaultFlavor == IptablesFlavor.Unknown
            ? new(IptablesFlavor.Unknown, defaultFlavor, "iptables did not say its flavor and no ruleset holds rules")
            : new(defaultFlavor, defaultFlavor, "no rules yet; using the flavor `iptables` defaults to");
    }
}

/// <summary>The executables of one flavor. Where the flavored names do not exist the plain names are used.</summary>
public sealed record IptablesTools(IptablesFlavor Flavor, string Iptables, string Ip6tables, string Save, string Save6, string Restore, string Restore6)
{
    public static readonly IptablesTools Plain = new(IptablesFlavor.Unknown, "iptables", "ip6tables", "iptables-save", "ip6tables-save", "iptables-restore", "ip6tables-restore");

    public static IptablesTools For(IptablesFlavor flavor, Func<string, bool> exists)
    {
        var suffix = flavor switch
        {
            IptablesFlavor.Nft => "-nft",
            IptablesFlavor.Legacy => "-legacy",
            _ => null,
        };
        if (suffix is null || !exists("iptables" + suffix)) return Plain with { Flavor = flavor };
        return new IptablesTools(flavor, "iptables" + suffix, "ip6tables" + suffix, $"iptables{suffix}-save",
            $"ip6tables{suffix}-save", $"iptables{suffix}-restore", $"ip6tables{suffix}-restore");
    }

    public string Command(bool v6) => v6 ? Ip6tables : Iptables;
    public string SaveCommand(bool v6) => v6 ? Save6 : Save;
    public string RestoreCommand(bool v6) => v6 ? Restore6 : Restore;
}
