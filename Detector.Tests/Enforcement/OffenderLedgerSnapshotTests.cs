using Detector.Enforcement;
using Detector.Ingest;
using Detector.Domain;

namespace Detector.Tests.Enforcement;

public class OffenderLedgerSnapshotTests
{
    private const long T0 = 1_777_472_669;

    private static OffenderLedger LedgerWithHistory()
    {
        var ledger = new OffenderLedger(BanLadder.Default, TimeSpan.FromDays(30));
        ledger.Apply(ledger.DecideManualBan(IpKey.Parse("203.0.113.9"), T0, null));
        ledger.Apply(ledger.DecideManualBan(IpKey.Parse("2001:db8::7"), T0, Timeout.InfiniteTimeSpan));
        var unbanned = IpKey.Parse("198.51.100.1");
        ledger.Apply(ledger.DecideManualBan(unbanned, T0, null));
        ledger.Apply(ledger.DecideManualUnban(unbanned, T0 + 10));
        return ledger;
    }

    [Fact]
    public void Restored_ledger_has_the_same_records_and_decides_the_same()
    {
        var ledger = LedgerWithHistory();

        var restored = OffenderLedger.Restore(BanLadder.Default, TimeSpan.FromDays(30), ledger.ToSnapshot());

        Assert.Equal(ledger.Records, restored.Records);
        Assert.Equal(ledger.DecideExpiries(T0 + 3600), restored.DecideExpiries(T0 + 3600));
    }
}
