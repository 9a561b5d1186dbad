using Detector.Host.Composition;
using Detector.Ingest;

namespace Detector.Host.Api;

public static class Endpoints
{
    /// <summary>/healthz: 200 while the pipeline runs, 503 once it has failed or stopped.</summary>
    public static WebApplication MapDetectorEndpoints(this WebApplication app)
    {
        app.MapGet("/healthz", (PipelineService pipeline, IngestCounters counters, TimeProvider clock) =>
        {
            var completion = pipeline.Completion();
            var healthy = !completion.IsCompleted;
            var newest = counters.NewestEventMs;
            var lag = newest > 0 ? (clock.GetUtcNow().ToUnixTimeMilliseconds() - newest) / 1000.0 : (double?)null;
            return Results.Json(
                new { status = healthy ? "ok" : "stopped", lines = counters.Lines, lagSeconds = lag },
                statusCode: healthy ? 200 : 503);
        });
        app.MapDetectorApi();
        return app;
    }
}
