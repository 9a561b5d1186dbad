using Akka.Actor;
using Akka.Event;
using Detector.Messages;

namespace Detector.Enforcement;

/// <summary>
/// Applies the enforcement actor's decisions through <see cref="IFirewall"/>, off the enforcement actor's
/// thread. Decides nothing.
/// </summary>
public sealed class FirewallActor : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public FirewallActor(IFirewall firewall)
    {
        ReceiveAsync<FirewallBan>(ban => Apply("ban", ban.Ip.ToString(), () => firewall.BanAsync(ban.Ip, ban.Duration)));
        ReceiveAsync<FirewallUnban>(unban => Apply("unban", unban.Ip.ToString(), () => firewall.UnbanAsync(unban.Ip)));
    }

    public static Props Props(IFirewall firewall) => Akka.Actor.Props.Create(() => new FirewallActor(firewall));

    private async Task Apply(string action, string ip, Func<Task> command)
    {
        try
        {
            await command();
        }
        catch (Exception e)
        {
            _log.Warning(e, "Firewall {Action} of {Ip} failed: {Reason}", action, ip, e.Message);
        }
    }
}
