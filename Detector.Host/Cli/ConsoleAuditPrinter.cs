using Akka.Actor;
using Detector.Audit;
using Detector.Domain;

namespace Detector.Host.Cli;

/// <summary>Prints bans, unbans, alerts and the other audited events (not baseline recomputes) to the console as
/// they happen, each as its audit line.</summary>
public sealed class ConsoleAuditPrinter : ReceiveActor
{
    public ConsoleAuditPrinter(TextWriter output) =>
        Receive<DetectorEvent>(e =>
        {
            if (Line(e) is { } line) output.WriteLine(line);
        });

    /// <summary>What the console prints for <paramref name="e"/>; null: nothing.</summary>
    public static string? Line(DetectorEvent e) => e is BaselineRecomputed ? null : AuditEvent.Of(e).Format();

    public static void Attach(ActorSystem system, TextWriter output)
    {
        var printer = system.ActorOf(Props.Create(() => new ConsoleAuditPrinter(output)), "console-audit");
        system.EventStream.Subscribe(printer, typeof(DetectorEvent));
    }
}
