using System.CommandLine;
using Detector.Host.Verbs;
using Detector.Host.Composition;

Logging.Configure();
var root = new RootCommand("Detector: real-time HTTP abuse detection for servers behind Nginx.")
{
    RunCommand.Create(),
    ReplayCommand.Create(),
    DemoCommand.Create(),
    DoctorCommand.Create(),
    StatusCommand.Create(),
    BansCommand.Create(),
    BanCommands.CreateBan(),
    BanCommands.CreateUnban(),
};
// `run` is the default verb: `detector --log PATH` runs the daemon.
if (args.Length == 0 || (args[0].StartsWith('-') && args[0] is not ("-h" or "--help" or "-?" or "--version")))
    args = ["run", .. args];
return await root.Parse(args).InvokeAsync();
