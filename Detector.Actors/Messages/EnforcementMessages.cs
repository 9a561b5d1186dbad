using Detector.Baseline;
using Detector.Detection;
using Detector.Enforcement;
using Detector.Ingest;

namespace Detector.Messages;

/// <summary>
/// The detection side closed the second ending at <paramref name="Now"/>: expire what is due, then apply these
/// verdicts (sorted by IP). Replies <see cref="EnforcementApplied"/>.
/// </summary>
public sealed record ApplyVerdicts(long Now, IReadOnlyList<IpVerdict> Verdicts, BaselineSnapshot Baseline);

/// <summary>All ledger events applied since the previous reply (manual ones included), and the next expiry.</summary>
public sealed record EnforcementApplied(IReadOnlyList<LedgerEvent> Events, long? NextExpiry);
