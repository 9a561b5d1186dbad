using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Detector.Alerts;

/// <summary>
/// The event webhook's signature: <c>X-Detector-Signature: sha256=&lt;hex&gt;</c>, the HMAC-SHA256 under the shared
/// secret of <c>"{timestamp}.{body}"</c>, where timestamp is the <c>X-Detector-Timestamp</c> header (Unix seconds at
/// sending). Signing the timestamp with the body lets a receiver refuse a replayed request that is too old; comparing
/// in constant time keeps the signature from leaking byte by byte.
/// </summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "X-Detector-Signature";
    public const string TimestampHeader = "X-Detector-Timestamp";
    public const string EventHeader = "X-Detector-Event";
    public const string DeliveryHeader = "X-Detector-Delivery";
    private const string Prefix = "sha256=";

    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        var stamp = Encoding.ASCII.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[stamp.Length + body.Length];
        stamp.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(stamp.Length));
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        return Prefix + Convert.ToHexStringLower(mac);
    }

    /// <summary>What a receiver does: recompute and compare in constant time.</summary>
    public static bool Verify(string secret, string? timestampHeader, ReadOnlySpan<byte> body, string? signatureHeader)
    {
        if (signatureHeader is null || !long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
            return false;
        var expected = Encoding.ASCII.GetBytes(Sign(secret, timestamp, body));
        var actual = Encoding.ASCII.GetBytes(signatureHeader);
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }
}
