using Detector.Domain;
using Detector.Enforcement.Firewall;

namespace Detector.Tests.Enforcement.Firewall;

/// <summary>The nginx backend's include files, rendered from ban targets, and what a flush must do.</summary>
public sealed class NginxBanFileTests
{
    private static BanTarget Target(string ip, int ipv6Prefix = 128) => BanTarget.For(IpKey.Parse(ip), ipv6Prefix);

    [Fact]
    public void Bans_are_a_geo_on_the_client_address_with_ipv4_ipv6_and_prefix_entries_in_sorted_order()
    {
        var text = NginxBanFile.RenderBans(
        [
            Target("2001:db8:0:1::66", 64), Target("203.0.113.9"), Target("2001:db8::1"), Target("198.51.100.7"), Target("203.0.113.9"),
        ]);

        Assert.Equal("""
            # Written by Detector (the nginx firewall backend) and replaced whole on every change: do not edit.
            # In the http block: include <dir>/bans*.conf;  (deny.conf answers the banned clients)
            geo $remote_addr $detector_banned {
                default 0;
                198.51.100.7/32 1;
                203.0.113.9/32 1;
                2001:db8::1/128 1;
                2001:db8:0:1::/64 1;
            }

            """.ReplaceLineEndings("\n"), text);
    }

    [Fact]
    public void The_same_bans_in_any_order_give_the_same_bytes_and_no_bans_an_empty_geo()
    {
        BanTarget[] bans = [Target("203.0.113.9"), Target("2001:db8::", 48), Target("10.0.0.1")];

        Assert.Equal(NginxBanFile.RenderBans(bans), NginxBanFile.RenderBans(bans.Reverse()));
        Assert.EndsWith("geo $remote_addr $detector_banned {\n    default 0;\n}\n", NginxBanFile.RenderBans([]));
    }

    [Theory]
    [InlineData(403)]
    [InlineData(444)]
    public void Deny_answers_the_banned_clients_with_the_configured_status(int status)
    {
        Assert.EndsWith($"if ($detector_banned) {{\n    return {status};\n}}\n", NginxBanFile.RenderDeny(status));
    }

    [Fact]
    public void A_written_file_reads_back_as_its_targets_and_foreign_lines_are_skipped()
    {
        BanTarget[] bans = [Target("203.0.113.9"), Target("2001:db8:0:1::", 64)];
        var text = NginxBanFile.RenderBans(bans) + "    $(evil) 1;\n    not-an-address 1;\n";

        Assert.Equal(bans.Order(), NginxBanFile.ParseBans(text));
    }

    [Fact]
    public void A_flush_writes_only_files_that_changed_and_reloads_until_nginx_has_loaded_them()
    {
        var bans = NginxBanFile.RenderBans([Target("203.0.113.9")]);
        var deny = NginxBanFile.RenderDeny(403);
        var loaded = NginxBanFile.Loaded(bans, deny);

        // First start, nothing on disk: write both, reload.
        Assert.Equal(new NginxFlushPlan(true, true, true), NginxBanFile.Plan(bans, null, deny, null, null));
        // Files already right (a restart): nothing to write, but what Nginx holds is unknown: reload once.
        Assert.Equal(new NginxFlushPlan(false, false, true), NginxBanFile.Plan(bans, bans, deny, deny, null));
        // Loaded and unchanged: nothing at all (a reconcile every minute costs no reload).
        Assert.Equal(new NginxFlushPlan(false, false, false), NginxBanFile.Plan(bans, bans, deny, deny, loaded));
        // A reload that failed left the old state loaded: the next flush reloads again though the file is written.
        var more = NginxBanFile.RenderBans([Target("203.0.113.9"), Target("203.0.113.10")]);
        Assert.Equal(new NginxFlushPlan(false, false, true), NginxBanFile.Plan(more, more, deny, deny, loaded));
        // The status changed: deny.conf only, and a reload.
        var deny444 = NginxBanFile.RenderDeny(444);
        Assert.Equal(new NginxFlushPlan(false, true, true), NginxBanFile.Plan(bans, bans, deny444, deny, loaded));
    }
}
