namespace Detector.Domain;

/// <summary>
/// One failed login from Nextcloud's own log: from <paramref name="Ip"/> at <paramref name="TimeMs"/> (Unix ms, UTC),
/// for the login name the client typed, <paramref name="Account"/> — untrusted text (an attacker chooses it; it may
/// name no account at all). Kept out of messages unless configured (<see cref="AccountNames"/>).
/// </summary>
public readonly record struct LoginFailure(long TimeMs, IpKey Ip, string Account);
