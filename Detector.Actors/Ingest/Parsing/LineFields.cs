using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Detector.Ingest.Parsing;

/// <summary>One field's value as found in the line: bytes of the string (unescaped) or number.</summary>
internal ref struct RawValue
{
    public ReadOnlySpan<byte> Bytes;
    /// <summary><see cref="JsonTokenType.None"/> while the field has not been seen.</summary>
    public JsonTokenType Type;
    public byte Priority;

    public readonly bool IsPresent => Type != JsonTokenType.None;
    public readonly bool IsString => Type == JsonTokenType.String;
    public readonly bool IsNumber => Type == JsonTokenType.Number;

    /// <summary>Absent, null, empty or Nginx's "-" placeholder.</summary>
    public readonly bool IsBlank =>
        Type is JsonTokenType.None or JsonTokenType.Null
        || (Type == JsonTokenType.String && (Bytes.IsEmpty || (Bytes.Length == 1 && Bytes[0] == '-')));
}

/// <summary>The canonical fields of one line, collected during the single reader pass.</summary>
internal ref struct LineFields
{
    public RawValue Ip;
    public RawValue Time;
    public RawValue Msec;
    public RawValue Method;
    public RawValue Path;
    public RawValue Status;
    public RawValue Bytes;
    public RawValue UserAgent;
    public RawValue Request;

    [UnscopedRef]
    public ref RawValue this[CanonicalField field]
    {
        get
        {
            switch (field)
            {
                case CanonicalField.Ip: return ref Ip;
                case CanonicalField.Time: return ref Time;
                case CanonicalField.Msec: return ref Msec;
                case CanonicalField.Method: return ref Method;
                case CanonicalField.Path: return ref Path;
                case CanonicalField.Status: return ref Status;
                case CanonicalField.Bytes: return ref Bytes;
                case CanonicalField.UserAgent: return ref UserAgent;
                case CanonicalField.Request: return ref Request;
                default: throw new ArgumentOutOfRangeException(nameof(field));
            }
        }
    }
}
