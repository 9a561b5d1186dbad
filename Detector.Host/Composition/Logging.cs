using Serilog;
using Serilog.Events;
using Detector.Host.Verbs;

namespace Detector.Host.Composition;

public static class Logging
{
    public static void Configure(LogEventLevel minimum = LogEventLevel.Information) =>
        Log.Logger = new LoggerConfiguration()
            .MinimumLevel.Is(minimum)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            // Slack retries: the sender logs the outcome once per message; Polly would log every attempt.
            .MinimumLevel.Override("Polly", LogEventLevel.Error)
            .WriteTo.Console(standardErrorFromLevel: LogEventLevel.Verbose,
                outputTemplate: "{Timestamp:HH:mm:ss} {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}")
            .CreateLogger();
}
