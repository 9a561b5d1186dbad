using System.CommandLine;
using Detector.Host.Cli;

Logging.Configure();
var root = new RootCommand("Detector: real-time HTTP abuse detection for servers behind Nginx.")
{
    RunCommand.Create(),
    ReplayCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
