using Detector.Host.Composition;
using Detector.Enforcement;
using Detector.Ingest;

namespace Detector.Host.Api;

public static class Endpoints
{
    /// <summary>/healthz: 200 while the pipeline runs, 503 once it has failed or stopped, and at once when the offender
    /// ledger could not be written or recovered (enforcement has stopped; the pipeline notices only when its next ask
    /// times out).</summary>
    public static WebApplication MapDetectorEndpoints(this WebApplication app)
    {
        app.MapGet("/healthz", (PipelineService pipeline, IngestCounters counters, EnforcementStats enforcement, TimeProvider clock) =>
        {
            var completion = pipeline.Completion();
            var ledgerFailure = enforcement.LedgerFailure;
            var status = completion.IsCompleted ? "stopped" : ledgerFailure is not null ? "ledger_failed" : "ok";
            var newest = counters.NewestEventMs;
            var lag = newest > 0 ? (clock.GetUtcNow().ToUnixTimeMilliseconds() - newest) / 1000.0 : (double?)null;
            return Results.Json(
                new { status, lines = counters.Lines, lagSeconds = lag, error = ledgerFailure?.Reason },
                statusCode: status == "ok" ? 200 : 503);
        });
        app.MapDetectorApi();
        return app;
    }
}
