namespace Detector.Alerts;

/// <summary>Audit actions Slack knows how to word. The ones beyond DESIGN.md §5's four come from the
/// ban-effectiveness check and the firewall backends.</summary>
public static class AlertActions
{
    public const string Ban = "BAN";
    public const string Unban = "UNBAN";
    public const string Alert = "ALERT";
    public const string BanIneffective = "BAN_INEFFECTIVE";
    public const string BanFailed = "BAN_FAILED";
    public const string UnbanFailed = "UNBAN_FAILED";
}
