namespace Detector.Ingest.Nextcloud;

/// <summary>What a line of <c>nextcloud.log</c> is to the detector.</summary>
public enum NextcloudLine
{
    /// <summary>Anything else Nextcloud logs (errors, deprecations, app messages): read and left alone.</summary>
    Other,
    /// <summary><c>Login failed: …</c>: one failed login, with its address and login name.</summary>
    FailedLogin,
    /// <summary><c>Bruteforce attempt from "…" detected for action "…".</c> (Throttler::registerAttempt).</summary>
    BruteforceAttempt,
    /// <summary><c>IP address throttled because it reached the attempts limit in the last 30 minutes […]</c>.</summary>
    Throttled,
    /// <summary><c>IP address blocked because it reached the maximum failed attempts in the last 30 minutes […]</c>.</summary>
    Blocked,
}
