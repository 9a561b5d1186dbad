using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Serialization;
using Detector.Ingest;
using Detector.Domain;
using Detector.Enforcement.Firewall;

namespace Detector.Enforcement.Persistence;

/// <summary>
/// Binary format of everything the ledger persists: the <see cref="LedgerEvent"/>s and the
/// <see cref="OffenderLedgerSnapshot"/>. Explicit rather than Akka's default JSON so the stored bytes do not
/// depend on CLR type names or on how a JSON library treats a 64-bit unsigned <see cref="IpKey"/> half, and
/// restore exactly. Every payload starts with a format version byte; add a version, never change one.
/// </summary>
public sealed class LedgerSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int SerializerId = 7301;
    public const string Name = "detector-ledger";

    private const byte Version1 = 1;
    /// <summary>Snapshots with range records after the offenders.</summary>
    private const byte Version2 = 2;
    private const string BannedManifest = "ip-banned";
    private const string RangeBannedManifest = "range-banned";
    private const string RangeUnbannedManifest = "range-unbanned";
    private const string RangeForgottenManifest = "range-forgotten";
    private const string UnbannedManifest = "ip-unbanned";
    private const string ForgottenManifest = "offender-forgotten";
    private const string SnapshotManifest = "ledger-snapshot";

    public override int Identifier => SerializerId;

    /// <summary>The types this serializer is bound to.</summary>
    public static readonly Type[] BoundTypes = [typeof(LedgerEvent), typeof(OffenderLedgerSnapshot)];

    public override string Manifest(object o) => o switch
    {
        IpBanned => BannedManifest,
        IpUnbanned => UnbannedManifest,
        OffenderForgotten => ForgottenManifest,
        RangeBanned => RangeBannedManifest,
        RangeUnbanned => RangeUnbannedManifest,
        RangeForgotten => RangeForgottenManifest,
        OffenderLedgerSnapshot => SnapshotManifest,
        _ => throw new ArgumentException($"{nameof(LedgerSerializer)} cannot serialize {o.GetType()}", nameof(o)),
    };

    public override byte[] ToBinary(object obj)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(obj is OffenderLedgerSnapshot ? Version2 : Version1);
            switch (obj)
            {
                case IpBanned b:
                    WriteIp(w, b.Ip);
                    w.Write(b.At);
                    w.Write(b.Offence);
                    WriteNullable(w, b.ExpiresAt);
                    w.Write(b.Condition);
                    w.Write(b.Rate);
                    w.Write(b.Mean);
                    w.Write(b.Std);
                    break;
                case IpUnbanned u:
                    WriteIp(w, u.Ip);
                    w.Write(u.At);
                    w.Write(u.Reason);
                    break;
                case OffenderForgotten f:
                    WriteIp(w, f.Ip);
                    w.Write(f.At);
                    break;
                case RangeBanned b:
                    w.Write(b.Range.ToCidr());
                    w.Write(b.At);
                    w.Write(b.Offence);
                    WriteNullable(w, b.ExpiresAt);
                    w.Write(b.Condition);
                    WriteIps(w, b.Members);
                    break;
                case RangeUnbanned u:
                    w.Write(u.Range.ToCidr());
                    w.Write(u.At);
                    w.Write(u.Reason);
                    break;
                case RangeForgotten f:
                    w.Write(f.Range.ToCidr());
                    w.Write(f.At);
                    break;
                case OffenderLedgerSnapshot s:
                    w.Write(s.Offenders.Count);
                    foreach (var e in s.Offenders)
                    {
                        w.Write(e.Ip);
                        w.Write(e.Offences);
                        w.Write(e.FirstSeen);
                        w.Write(e.LastSeen);
                        WriteNullable(w, e.BannedAt);
                        WriteNullable(w, e.ExpiresAt);
                        w.Write(e.LastCondition);
                    }
                    w.Write(s.Ranges.Count);
                    foreach (var r in s.Ranges)
                    {
                        w.Write(r.Range.ToCidr());
                        w.Write(r.Offences);
                        w.Write(r.FirstSeen);
                        w.Write(r.LastSeen);
                        WriteNullable(w, r.BannedAt);
                        WriteNullable(w, r.ExpiresAt);
                        w.Write(r.LastCondition);
                        WriteIps(w, r.Members);
                    }
                    break;
                default:
                    throw new ArgumentException($"{nameof(LedgerSerializer)} cannot serialize {obj.GetType()}", nameof(obj));
            }
        }
        return stream.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var r = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
        var version = r.ReadByte();
        var highest = manifest == SnapshotManifest ? Version2 : Version1;
        if (version < Version1 || version > highest)
            throw new SerializationException($"Ledger payload '{manifest}' has format version {version}; this build reads versions {Version1} to {highest}.");
        return manifest switch
        {
            BannedManifest => new IpBanned(ReadIp(r), r.ReadInt64(), r.ReadInt32(), ReadNullable(r), r.ReadString(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble()),
            UnbannedManifest => new IpUnbanned(ReadIp(r), r.ReadInt64(), r.ReadString()),
            ForgottenManifest => new OffenderForgotten(ReadIp(r), r.ReadInt64()),
            RangeBannedManifest => new RangeBanned(ReadRange(r), r.ReadInt64(), r.ReadInt32(), ReadNullable(r), r.ReadString(), ReadIps(r)),
            RangeUnbannedManifest => new RangeUnbanned(ReadRange(r), r.ReadInt64(), r.ReadString()),
            RangeForgottenManifest => new RangeForgotten(ReadRange(r), r.ReadInt64()),
            SnapshotManifest => ReadSnapshot(r, version),
            _ => throw new SerializationException($"Unknown ledger manifest '{manifest}'."),
        };
    }

    private static OffenderLedgerSnapshot ReadSnapshot(BinaryReader r, byte version)
    {
        var count = r.ReadInt32();
        var entries = new List<OffenderSnapshotEntry>(count);
        for (var i = 0; i < count; i++)
            entries.Add(new OffenderSnapshotEntry(r.ReadString(), r.ReadInt32(), r.ReadInt64(), r.ReadInt64(), ReadNullable(r), ReadNullable(r), r.ReadString()));
        if (version < Version2) return new OffenderLedgerSnapshot(entries);
        var rangeCount = r.ReadInt32();
        var ranges = new List<RangeRecord>(rangeCount);
        for (var i = 0; i < rangeCount; i++)
            ranges.Add(new RangeRecord(ReadRange(r), r.ReadInt32(), r.ReadInt64(), r.ReadInt64(), ReadNullable(r), ReadNullable(r), r.ReadString(), ReadIps(r)));
        return new OffenderLedgerSnapshot(entries) { Ranges = ranges };
    }

    /// <summary>Ranges are stored as text ("2001:db8::/64"), like a snapshot's addresses.</summary>
    private static BanTarget ReadRange(BinaryReader r)
    {
        var text = r.ReadString();
        return BanTarget.TryParse(text, out var range) ? range : throw new SerializationException($"'{text}' is not a stored range.");
    }

    private static void WriteIps(BinaryWriter w, IReadOnlyList<IpKey> ips)
    {
        w.Write(ips.Count);
        foreach (var ip in ips) WriteIp(w, ip);
    }

    private static IpKey[] ReadIps(BinaryReader r)
    {
        var ips = new IpKey[r.ReadInt32()];
        for (var i = 0; i < ips.Length; i++) ips[i] = ReadIp(r);
        return ips;
    }

    private static void WriteIp(BinaryWriter w, IpKey ip)
    {
        w.Write(ip.High);
        w.Write(ip.Low);
    }

    private static IpKey ReadIp(BinaryReader r) => new(r.ReadUInt64(), r.ReadUInt64());

    private static void WriteNullable(BinaryWriter w, long? value)
    {
        w.Write(value.HasValue);
        if (value.HasValue) w.Write(value.Value);
    }

    private static long? ReadNullable(BinaryReader r) => r.ReadBoolean() ? r.ReadInt64() : null;
}
