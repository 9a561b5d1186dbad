using Akka.Serialization;
using Detector.Enforcement;
using Detector.Enforcement.Persistence;
using Detector.Ingest;
using Detector.Tests.Support;
using Detector.Domain;

namespace Detector.Tests.Enforcement.Persistence;

/// <summary>Every persisted type, through the serializer the enforcement feature configures on the actor system.</summary>
public sealed class LedgerSerializerSpecs
{
    private const long T0 = 1_777_472_669;

    // High halves above long.MaxValue (fe80::, ff02::) catch a JSON round trip through signed integers.
    private static readonly IpKey[] Ips =
        new[] { "203.0.113.9", "0.0.0.0", "255.255.255.255", "2001:db8::7", "fe80::1:2:3:4", "ff02::ffff:ffff:ffff:ffff", "::" }
            .Select(IpKey.Parse).ToArray();

    private static readonly Detector.Enforcement.Firewall.BanTarget[] Ranges =
        [Detector.Enforcement.Firewall.BanTarget.Range(IpKey.Parse("2001:db8:1:2::"), 64), Detector.Enforcement.Firewall.BanTarget.Range(IpKey.Parse("203.0.113.0"), 24)];

    public static TheoryData<object> PersistedValues()
    {
        var data = new TheoryData<object>();
        foreach (var ip in Ips)
        {
            data.Add(new IpBanned(ip, T0, 3, T0 + 7200, "ip_zscore>3.0+error_surge", 212.4, 11.2, 6.123456789));
            data.Add(new IpBanned(ip, T0, 4, null, "manual", 0, 0, 0));
            data.Add(new IpUnbanned(ip, T0 + 600, "expired"));
            data.Add(new OffenderForgotten(ip, T0 + 86_400 * 31));
        }
        foreach (var range in Ranges)
        {
            data.Add(new RangeBanned(range, T0, 2, T0 + 1800, "range>=3/600s", Ips[..3]));
            data.Add(new RangeBanned(range, T0, 4, null, "range>=3/600s", []));
            data.Add(new RangeUnbanned(range, T0 + 600, "manual"));
            data.Add(new RangeForgotten(range, T0 + 86_400 * 31));
        }
        data.Add(new OffenderLedgerSnapshot([]));
        data.Add(new OffenderLedgerSnapshot(Ips.Select((ip, i) => new OffenderSnapshotEntry(
            ip.ToString(), i + 1, T0 - i, T0 + i, i % 2 == 0 ? T0 : null, i % 3 == 0 ? T0 + 600 : null, $"condition-{i}")).ToList()));
        return data;
    }

    [Theory]
    [MemberData(nameof(PersistedValues))]
    public async Task Persisted_value_round_trips_exactly_through_the_configured_serializer(object value)
    {
        await using var harness = await PipelineHarness.StartAsync();
        var serialization = harness.System.Serialization;

        var serializer = serialization.FindSerializerFor(value);
        Assert.IsType<LedgerSerializer>(serializer);
        var manifest = Serialization.ManifestFor(serializer, value);
        var back = serialization.Deserialize(serializer.ToBinary(value), serializer.Identifier, manifest);

        if (value is OffenderLedgerSnapshot snapshot)
            Assert.Equal(snapshot.Offenders, Assert.IsType<OffenderLedgerSnapshot>(back).Offenders);
        else
            Assert.Equal(value, back);
    }

    [Fact]
    public async Task Restored_snapshot_rebuilds_the_same_ledger()
    {
        var ledger = new OffenderLedger(BanLadder.Default, TimeSpan.FromDays(30));
        foreach (var ip in Ips) ledger.Apply(ledger.DecideManualBan(ip, T0, null));
        ledger.Apply(ledger.DecideManualUnban(Ips[0], T0 + 5));
        await using var harness = await PipelineHarness.StartAsync();
        var serializer = harness.System.Serialization.FindSerializerFor(ledger.ToSnapshot());

        var bytes = serializer.ToBinary(ledger.ToSnapshot());
        var back = (OffenderLedgerSnapshot)harness.System.Serialization.Deserialize(bytes, serializer.Identifier, Serialization.ManifestFor(serializer, ledger.ToSnapshot()));

        Assert.Equal(ledger.Records, OffenderLedger.Restore(BanLadder.Default, TimeSpan.FromDays(30), back).Records);
    }

    [Fact]
    public async Task Range_records_round_trip_in_a_snapshot_and_a_version_1_snapshot_still_reads()
    {
        var ledger = new OffenderLedger(BanLadder.Default, TimeSpan.FromDays(30));
        ledger.Apply(ledger.DecideManualBan(Ips[0], T0, null));
        ledger.Apply(ledger.DecideRangeBan(new RangeCandidate(Ranges[0], [IpKey.Parse("2001:db8:1:2::5")], "range>=3/600s"), T0));
        await using var harness = await PipelineHarness.StartAsync();
        var serializer = (LedgerSerializer)harness.System.Serialization.FindSerializerFor(ledger.ToSnapshot());
        var manifest = serializer.Manifest(ledger.ToSnapshot());

        var back = (OffenderLedgerSnapshot)serializer.FromBinary(serializer.ToBinary(ledger.ToSnapshot()), manifest);
        var range = Assert.Single(OffenderLedger.Restore(BanLadder.Default, TimeSpan.FromDays(30), back).ActiveRanges);
        Assert.Equal((Ranges[0], 1, T0, T0 + 600, "range>=3/600s"), (range.Range, range.Offences, range.BannedAt, range.ExpiresAt, range.LastCondition));
        Assert.Equal([IpKey.Parse("2001:db8:1:2::5")], range.Members);

        // Version 1 (before ranges) is version 2 without the trailing range count.
        var withoutRanges = new OffenderLedgerSnapshot(ledger.ToSnapshot().Offenders);
        var v1 = serializer.ToBinary(withoutRanges)[..^4];
        v1[0] = 1;
        var old = (OffenderLedgerSnapshot)serializer.FromBinary(v1, manifest);
        Assert.Equal(withoutRanges.Offenders, old.Offenders);
        Assert.Empty(old.Ranges);
    }

    [Fact]
    public async Task Unknown_format_version_is_refused_rather_than_misread()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var value = new IpUnbanned(Ips[0], T0, "expired");
        var serializer = (LedgerSerializer)harness.System.Serialization.FindSerializerFor(value);
        var bytes = serializer.ToBinary(value);
        bytes[0] = 99;

        var error = Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary(bytes, serializer.Manifest(value)));
        Assert.Contains("version 99", error.Message);
    }
}
