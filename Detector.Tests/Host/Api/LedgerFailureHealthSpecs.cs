using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Detector.Tests.Host.Api;

/// <summary>/healthz says so at once when the offender ledger cannot be written (before this, it said ok for the 30 s
/// until the pipeline's ask timed out). A daemon of its own: the failure stops its enforcement.</summary>
public sealed class LedgerFailureHealthSpecs : IAsyncLifetime
{
    private const string Token = "health-token";
    private LiveDetector _detector = null!;

    private LiveDetector Detector => _detector;
    private HttpClient Http => _detector.Http;
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _detector = await LiveDetector.StartAsync(Token, sqliteLedger: true);

    public async ValueTask DisposeAsync() => await _detector.DisposeAsync();

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<HttpResponseMessage> BanAsync(HttpContent content)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/bans") { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return await Http.SendAsync(request, Cancellation);
    }

    [Fact]
    public async Task Healthz_turns_503_as_soon_as_the_ledger_cannot_be_written()
    {
        Assert.Equal(HttpStatusCode.OK, (await BanAsync(Json("{\"ip\": \"198.51.100.44\", \"durationSeconds\": 60}"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/healthz", Cancellation)).StatusCode);

        // A real SQLite failure on the next journal write, as a full disk or a broken file would give.
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(Detector.Options.DataDir, "detector.db")}"))
        {
            await connection.OpenAsync(Cancellation);
            var command = connection.CreateCommand();
            command.CommandText = "CREATE TRIGGER fail_writes BEFORE INSERT ON journal BEGIN SELECT RAISE(ABORT, 'disk I/O error (test)'); END;";
            await command.ExecuteNonQueryAsync(Cancellation);
        }
        var failed = await BanAsync(Json("{\"ip\": \"198.51.100.45\", \"durationSeconds\": 60}"));
        Assert.NotEqual(HttpStatusCode.OK, failed.StatusCode);

        var health = await Http.GetAsync("/healthz", Cancellation);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        var body = await health.Content.ReadAsStringAsync(Cancellation);
        Assert.Contains("\"ledger_failed\"", body);
        Assert.Contains("disk I/O error (test)", body);
    }
}
