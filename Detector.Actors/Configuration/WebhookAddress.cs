namespace Detector.Configuration;

/// <summary>
/// The incoming-webhook URL. Its path is the secret, so nothing prints it: <see cref="ToString"/> and
/// <see cref="Host"/> give the host only, for logs.
/// </summary>
public sealed class SlackWebhookAddress
{
    private SlackWebhookAddress(Uri uri) => Uri = uri;

    public Uri Uri { get; }

    public string Host => Uri.Authority;

    public static bool TryCreate(string? text, out SlackWebhookAddress? address)
    {
        address = null;
        if (string.IsNullOrWhiteSpace(text) || !Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri)) return false;
        if (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) return false;
        address = new SlackWebhookAddress(uri);
        return true;
    }

    public override string ToString() => Host;
}
