using Akka.Actor;
using Detector.Audit;

namespace Detector.Host.Verbs;

/// <summary>Prints ban, unban and alert audit lines to the console as they happen.</summary>
public sealed class ConsoleAuditPrinter : ReceiveActor
{
    public ConsoleAuditPrinter(TextWriter output) =>
        Receive<AuditEvent>(e =>
        {
            if (e.Action != AuditAction.Baseline) output.WriteLine(e.Format());
        });

    public static void Attach(ActorSystem system, TextWriter output)
    {
        var printer = system.ActorOf(Props.Create(() => new ConsoleAuditPrinter(output)), "console-audit");
        system.EventStream.Subscribe(printer, typeof(AuditEvent));
    }
}
