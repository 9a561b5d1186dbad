namespace Detector.Configuration;

/// <summary>
/// A webhook URL (Slack's incoming webhook, the event webhook). Its path may be the secret, so nothing prints it:
/// <see cref="ToString"/> and <see cref="Host"/> give the host only, for logs.
/// </summary>
public sealed class WebhookAddress
{
    private WebhookAddress(Uri uri) => Uri = uri;

    public Uri Uri { get; }

    public string Host => Uri.Authority;

    public static bool TryCreate(string? text, out WebhookAddress? address)
    {
        address = null;
        if (string.IsNullOrWhiteSpace(text) || !Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri)) return false;
        if (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) return false;
        address = new WebhookAddress(uri);
        return true;
    }

    public override string ToString() => Host;
}
