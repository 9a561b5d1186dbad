using System.Globalization;
using System.Text;

namespace Detector.Enforcement.Firewall;

/// <summary>
/// The text of the nginx backend's two include files, pure. <c>bans.conf</c> (http block) maps each banned address or
/// prefix to 1 in <c>$detector_banned</c>, keyed on <c>$remote_addr</c> — the client's address once <c>real_ip</c> has
/// taken it from a trusted proxy's header, so it works behind a CDN; <c>geo</c> matches CIDR, so an IPv6 prefix ban is
/// one line. <c>deny.conf</c> (server blocks) answers those clients with the configured status. Every entry is rendered
/// from a parsed <see cref="BanTarget"/>, never from log text, in sorted order: the same bans give the same bytes, so
/// an unchanged set is neither rewritten nor reloaded.
/// </summary>
public static class NginxBanFile
{
    public const string Variable = "detector_banned";
    public const string BansFile = "bans.conf";
    public const string DenyFile = "deny.conf";

    private const string Header = "# Written by Detector (the nginx firewall backend) and replaced whole on every change: do not edit.\n";

    public static string RenderBans(IEnumerable<BanTarget> targets)
    {
        var text = new StringBuilder(Header)
            .Append("# In the http block: include <dir>/bans*.conf;  (deny.conf answers the banned clients)\n")
            .Append("geo $remote_addr $").Append(Variable).Append(" {\n")
            .Append("    default 0;\n");
        foreach (var target in targets.Distinct().Order())
            text.Append("    ").Append(target.ToCidr()).Append(" 1;\n");
        return text.Append("}\n").ToString();
    }

    public static string RenderDeny(int status) =>
        new StringBuilder(Header)
            .Append("# In each server block: include <dir>/deny*.conf;\n")
            .Append("if ($").Append(Variable).Append(") {\n")
            .Append("    return ").Append(status.ToString(CultureInfo.InvariantCulture)).Append(";\n")
            .Append("}\n").ToString();

    /// <summary>The entries of a bans file as written by <see cref="RenderBans"/>; lines that are not an entry (the
    /// header, a hand edit) are skipped, so a damaged file is simply rewritten.</summary>
    public static IReadOnlyList<BanTarget> ParseBans(string text)
    {
        var targets = new List<BanTarget>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (!line.EndsWith(" 1;", StringComparison.Ordinal)) continue;
            if (BanTarget.TryParse(line[..^3].Trim(), out var target)) targets.Add(target);
        }
        return targets;
    }

    /// <summary>What a flush must do: write each file that differs from what is on disk, and reload Nginx when what it
    /// last loaded successfully differs from the files. A failed reload leaves <paramref name="loaded"/> as it was, so it
    /// is tried again at the next flush or reconcile even though the files are already written.</summary>
    /// <param name="loaded">What Nginx last reloaded with (<see cref="Loaded"/>); null when unknown (after a start).</param>
    public static NginxFlushPlan Plan(string bans, string? bansOnDisk, string deny, string? denyOnDisk, string? loaded) =>
        new(WriteBans: !string.Equals(bans, bansOnDisk, StringComparison.Ordinal),
            WriteDeny: !string.Equals(deny, denyOnDisk, StringComparison.Ordinal),
            Reload: !string.Equals(Loaded(bans, deny), loaded, StringComparison.Ordinal));

    /// <summary>The state Nginx holds after a successful reload of these files.</summary>
    public static string Loaded(string bans, string deny) => bans + "\0" + deny;
}

public readonly record struct NginxFlushPlan(bool WriteBans, bool WriteDeny, bool Reload);
