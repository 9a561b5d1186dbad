using System.Text.Json;
using Detector.Configuration;
using Detector.Host.Api;
using Detector.Tests.Support;
using Detector.Domain;
using Detector.Host.Verbs;
using Detector.Host.DaemonClient;
using Detector.Host.Composition;

namespace Detector.Tests.Host.Verbs;

/// <summary>The verbs that talk to a running daemon, against a loopback server serving the API contract's JSON.</summary>
public sealed class DaemonVerbSpecs
{
    private const string Token = "t0ken-for-tests";
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, new JsonSerializerOptions(JsonSerializerDefaults.Web));

    private static DaemonConnection Connection(Uri url, string? token = Token) => new(url, token, TimeSpan.FromSeconds(5));

    private static readonly StatusDto Status = new(
        UptimeSeconds: 7385,
        Lines: 1_234_567,
        LinesPerSecond: 812.34,
        Malformed: new Dictionary<string, long> { ["invalid_json"] = 10, ["missing_ip"] = 2 },
        LagSeconds: 0.42,
        EventTime: "2026-04-29T14:24:29Z",
        GlobalRate: 13.1,
        Baseline: new BaselineDto(12.9, 5.8, 1.2, 0.031, 1.0, 2.0, "14h", true, 1800),
        ActiveBans: 3,
        CpuPercent: 3.25,
        MemoryMb: 125.4,
        Firewall: new FirewallDto(FirewallBackend.DryRun.Name(), 0, 5),
        Pipeline: "running");

    private static readonly BansDto Bans = new(
    [
        new BanDto("203.0.113.9", 1, "ip_zscore>3.0", "2026-04-29T14:24:29Z", "2026-04-29T14:34:29Z", 552, false),
        new BanDto("2001:db8:bad::1", 4, "ip_rate>5.0x_mean", "2026-04-29T13:00:00Z", null, null, true),
    ]);

    [Fact]
    public async Task Status_prints_the_daemon_state_as_a_table()
    {
        await using var daemon = await LoopbackHttpServer.StartAsync(ServerReply.Json(Json(Status)));

        var exit = await StatusCommand.RunAsync(Connection(daemon.Url), json: false, _output, _error, Cancellation);

        Assert.Equal(0, exit);
        var lines = _output.ToString().Split('\n').Select(l => l.TrimEnd()).ToList();
        Assert.Contains(lines, l => l.StartsWith("pipeline") && l.EndsWith("running"));
        Assert.Contains(lines, l => l.StartsWith("uptime") && l.EndsWith("2h 03m"));
        Assert.Contains(lines, l => l.StartsWith("lines") && l.EndsWith("1,234,567 (812.3/s)"));
        Assert.Contains(lines, l => l.StartsWith("malformed") && l.EndsWith("12 (invalid_json=10, missing_ip=2)"));
        Assert.Contains(lines, l => l.StartsWith("lag") && l.EndsWith("0.4 s"));
        Assert.Contains(lines, l => l.StartsWith("global rate") && l.EndsWith("13.1 req/s"));
        Assert.Contains(lines, l => l.StartsWith("baseline") && l.Contains("mean=12.9 std=5.8") && l.Contains("slot=14h"));
        Assert.Contains(lines, l => l.StartsWith("active bans") && l.EndsWith("3"));
        Assert.Contains(lines, l => l.StartsWith("firewall") && l.EndsWith("dry-run (applied 5, failures 0)"));
        Assert.Equal("GET /api/status", $"{daemon.Requests[0].Method} {daemon.Requests[0].Path}");
        Assert.Null(daemon.Requests[0].Authorization);
        Assert.Empty(_error.ToString());
    }

    [Fact]
    public async Task Json_prints_the_api_answer_unchanged_for_scripts()
    {
        var body = Json(Status);
        await using var daemon = await LoopbackHttpServer.StartAsync(ServerReply.Json(body));

        var exit = await StatusCommand.RunAsync(Connection(daemon.Url), json: true, _output, _error, Cancellation);

        Assert.Equal(0, exit);
        Assert.Equal(body, _output.ToString().TrimEnd());
    }

    [Fact]
    public async Task Bans_lists_each_ban_with_offence_and_remaining_time()
    {
        await using var daemon = await LoopbackHttpServer.StartAsync(ServerReply.Json(Json(Bans)));

        var exit = await BansCommand.RunAsync(Connection(daemon.Url), json: false, _output, _error, Cancellation);

        Assert.Equal(0, exit);
        var lines = _output.ToString().Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToList();
        Assert.Equal(["IP", "OFFENCE", "CONDITION", "BANNED", "AT", "EXPIRES", "AT", "REMAINING"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["203.0.113.9", "1", "ip_zscore>3.0", "2026-04-29T14:24:29Z", "2026-04-29T14:34:29Z", "9m", "12s"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["2001:db8:bad::1", "4", "ip_rate>5.0x_mean", "2026-04-29T13:00:00Z", "never", "permanent"], lines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("2 active bans", lines[3]);
        // Columns line up.
        Assert.Equal(lines[0].IndexOf("OFFENCE", StringComparison.Ordinal), lines[1].IndexOf(" 1 ", StringComparison.Ordinal) + 1);
    }

    [Fact]
    public async Task A_daemon_behind_a_path_prefix_is_reached_under_it()
    {
        await using var daemon = await LoopbackHttpServer.StartAsync(ServerReply.Json(Json(new BansDto([]))));

        await BansCommand.RunAsync(Connection(new Uri(daemon.Url, "/detector")), json: false, _output, _error, Cancellation);

        Assert.Equal("/detector/api/bans", daemon.Requests[0].Path);
    }

    [Fact]
    public async Task Bans_says_so_when_nobody_is_banned()
    {
        await using var daemon = await LoopbackHttpServer.StartAsync(ServerReply.Json(Json(new BansDto([]))));

        var exit = await BansCommand.RunAsync(Connection(daemon.Url), json: false, _output, _error, Cancellation);

        Assert.Equal(0, exit);
        Assert.Equal("No active bans.", _output.ToString().Trim());
    }

    [Fact]
    public async Task Ban_posts_the_ip_and_duration_with_the_bearer_token()
    {
        await using var daemon = await LoopbackHttpServer.StartAsync(ServerReply.Json(Json(new ManualActionDto(true, "203.0.113.9 banned"))));

        var exit = await BanCommands.BanAsync(Connection(daemon.Url), "203.0.113.9", "10m", json: false, _output, _error, Cancellation);

        Assert.Equal(0, exit);
        var request = Assert.Single(daemon.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/api/bans", request.Path);
        Assert.Equal($"Bearer {Token}", request.Authorization);
        Assert.StartsWith("application/json", request.ContentType);
        var body = JsonSerializer.Deserialize<BanRequest>(request.Body, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        Assert.Equal(new BanRequest("203.0.113.9", 600), body);
        Assert.Contains("\"durationSeconds\":600", request.Body);
        Assert.Equal("203.0.113.9 banned", _output.ToString().Trim());
    }

    [Fact]
    public async Task Ban_without_a_duration_lets_the_ladder_decide_and_sends_the_normalised_address()
    {
        await using var daemon = await LoopbackHttpServer.StartAsync(ServerReply.Json(Json(new ManualActionDto(true, "banned"))));

        await BanCommands.BanAsync(Connection(daemon.Url), "::ffff:203.0.113.9", null, json: false, _output, _error, Cancellation);

        var body = JsonSerializer.Deserialize<BanRequest>(daemon.Requests[0].Body, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        Assert.Equal(new BanRequest("203.0.113.9", null), body);
    }

    [Fact]
    public async Task Unban_sends_delete_for_the_ip_with_the_bearer_token()
    {
        await using var daemon = await LoopbackHttpServer.StartAsync(ServerReply.Json(Json(new ManualActionDto(true, "2001:db8::1 unbanned"))));

        var exit = await BanCommands.UnbanAsync(Connection(daemon.Url), "2001:db8::1", json: false, _output, _error, Cancellation);

        Assert.Equal(0, exit);
        var request = Assert.Single(daemon.Requests);
        Assert.Equal("DELETE", request.Method);
        Assert.Equal("/api/bans/2001:db8::1", request.Path);
        Assert.Equal($"Bearer {Token}", request.Authorization);
        Assert.Equal("2001:db8::1 unbanned", _output.ToString().Trim());
    }

    [Fact]
    public async Task Unban_of_a_range_sends_delete_with_the_slash_encoded_and_ban_refuses_a_range_locally()
    {
        await using var daemon = await LoopbackHttpServer.StartAsync(ServerReply.Json(Json(new ManualActionDto(true, "2001:db8::/64 unbanned, with its members"))));

        var unban = await BanCommands.UnbanAsync(Connection(daemon.Url), "2001:db8::/64", json: false, _output, _error, Cancellation);
        var ban = await BanCommands.BanAsync(Connection(daemon.Url), "2001:db8::/64", null, json: false, _output, _error, Cancellation);

        Assert.Equal((0, DaemonExitCode.Usage), (unban, ban));
        var request = Assert.Single(daemon.Requests);
        Assert.Equal(("DELETE", "/api/bans/2001%3Adb8%3A%3A%2F64"), (request.Method, request.RawTarget));
        Assert.Equal("2001:db8::/64 unbanned, with its members", _output.ToString().Trim());
    }

    [Theory]
    [InlineData("203.0.113.999")]
    [InlineData("example.com")]
    [InlineData("10.0.0.0/33")]
    [InlineData("010.0.0.0/8")]
    [InlineData("fe80::1%eth0")]
    [InlineData("1.2.3")]
    [InlineData("010.0.0.1")]
    [InlineData("")]
    public async Task A_bad_ip_is_refused_locally_and_nothing_is_sent(string ip)
    {
        await using var daemon = await LoopbackHttpServer.StartAsync(ServerReply.Ok());

        var ban = await BanCommands.BanAsync(Connection(daemon.Url), ip, null, json: false, _output, _error, Cancellation);
        var unban = await BanCommands.UnbanAsync(Connection(daemon.Url), ip, json: false, _output, _error, Cancellation);

        Assert.Equal(DaemonExitCode.Usage, ban);
        Assert.Equal(DaemonExitCode.Usage, unban);
        Assert.Contains("is not an IP address", _error.ToString());
        Assert.Empty(daemon.Requests);
    }

    [Theory]
    [InlineData("ten minutes")]
    [InlineData("3651d")]
    [InlineData("999999999999h")]
    [InlineData("0s")]
    public async Task A_bad_duration_is_refused_locally(string duration)
    {
        await using var daemon = await LoopbackHttpServer.StartAsync(ServerReply.Ok());

        var exit = await BanCommands.BanAsync(Connection(daemon.Url), "203.0.113.9", duration, json: false, _output, _error, Cancellation);

        Assert.Equal(DaemonExitCode.Usage, exit);
        Assert.Contains("--duration", _error.ToString());
        Assert.Contains("3650d", _error.ToString());
        Assert.Empty(daemon.Requests);
    }

    [Fact]
    public async Task An_unreachable_daemon_exits_3_with_a_clear_message()
    {
        var nobody = new Uri($"http://127.0.0.1:{Ports.Free()}");

        var status = await StatusCommand.RunAsync(Connection(nobody), json: false, _output, _error, Cancellation);
        var ban = await BanCommands.BanAsync(Connection(nobody), "203.0.113.9", null, json: false, _output, _error, Cancellation);

        Assert.Equal(DaemonExitCode.Unreachable, status);
        Assert.Equal(DaemonExitCode.Unreachable, ban);
        Assert.Contains($"cannot reach the detector daemon at {nobody}", _error.ToString());
        Assert.Empty(_output.ToString());
    }

    [Fact]
    public async Task A_daemon_that_does_not_answer_in_time_counts_as_unreachable()
    {
        await using var daemon = await LoopbackHttpServer.StartAsync(ServerReply.Hanging);

        var exit = await StatusCommand.RunAsync(new DaemonConnection(daemon.Url, null, TimeSpan.FromMilliseconds(300)), json: false, _output, _error, Cancellation);

        Assert.Equal(DaemonExitCode.Unreachable, exit);
        Assert.Contains("no answer within", _error.ToString());
    }

    [Fact]
    public async Task A_wrong_token_exits_4_with_token_rejected()
    {
        await using var daemon = await LoopbackHttpServer.StartAsync(ServerReply.Json("{\"error\":\"invalid token\"}", 401));

        var exit = await BanCommands.BanAsync(Connection(daemon.Url, "wrong"), "203.0.113.9", null, json: false, _output, _error, Cancellation);

        Assert.Equal(DaemonExitCode.TokenRejected, exit);
        Assert.Contains("token rejected", _error.ToString());
        Assert.Equal("Bearer wrong", daemon.Requests[0].Authorization);
    }

    [Fact]
    public async Task A_missing_token_says_where_to_put_one()
    {
        await using var daemon = await LoopbackHttpServer.StartAsync(ServerReply.Error(401));

        var exit = await BanCommands.UnbanAsync(Connection(daemon.Url, token: null), "203.0.113.9", json: false, _output, _error, Cancellation);

        Assert.Equal(DaemonExitCode.TokenRejected, exit);
        Assert.Contains("none was given (Detector__Api__Token", _error.ToString());
        Assert.Null(daemon.Requests[0].Authorization);
    }

    [Fact]
    public async Task Disabled_mutations_exit_5_and_say_why()
    {
        await using var daemon = await LoopbackHttpServer.StartAsync(ServerReply.Error(403));

        var exit = await BanCommands.BanAsync(Connection(daemon.Url), "203.0.113.9", null, json: false, _output, _error, Cancellation);

        Assert.Equal(DaemonExitCode.MutationsDisabled, exit);
        Assert.Contains("no Detector:Api:Token configured", _error.ToString());
    }

    [Fact]
    public async Task Other_daemon_errors_exit_1_with_the_daemons_message()
    {
        await using var daemon = await LoopbackHttpServer.StartAsync(ServerReply.Json("{\"message\":\"durationSeconds must be positive\"}", 400));

        var exit = await BanCommands.BanAsync(Connection(daemon.Url), "203.0.113.9", "10m", json: false, _output, _error, Cancellation);

        Assert.Equal(DaemonExitCode.DaemonError, exit);
        Assert.Contains("400 BadRequest: durationSeconds must be positive", _error.ToString());
    }

    [Fact]
    public void Url_comes_from_the_flag_then_api_url_then_http_url_and_token_from_the_flag_then_config_then_file()
    {
        var tokenFile = Path.GetTempFileName();
        try
        {
            File.WriteAllText(tokenFile, "from-file\n");
            var options = new DetectorOptions();
            options.Http.Url = "http://127.0.0.1:9000";
            options.Api.TokenFile = tokenFile;

            Assert.Equal(new Uri("http://127.0.0.1:9000"), DaemonConnection.Resolve(options, null, null).Url);
            Assert.Equal("from-file", DaemonConnection.Resolve(options, null, null).Token);

            options.Api.Url = "http://127.0.0.1:9001";
            options.Api.Token = "from-env";
            Assert.Equal(new Uri("http://127.0.0.1:9001"), DaemonConnection.Resolve(options, null, null).Url);
            Assert.Equal("from-env", DaemonConnection.Resolve(options, null, null).Token);

            var flagged = DaemonConnection.Resolve(options, "http://127.0.0.1:9002", "from-flag");
            Assert.Equal(new Uri("http://127.0.0.1:9002"), flagged.Url);
            Assert.Equal("from-flag", flagged.Token);

            Assert.Throws<FormatException>(() => DaemonConnection.Resolve(options, "not a url", null));
            options.Api.Token = null;
            options.Api.TokenFile = "/nonexistent/token";
            Assert.Contains("Detector:Api:TokenFile", Assert.Throws<IOException>(() => DaemonConnection.Resolve(options, null, null)).Message);
        }
        finally
        {
            File.Delete(tokenFile);
        }
    }

    [Fact]
    public void The_api_token_binds_from_the_environment_style_key()
    {
        var configuration = DetectorConfiguration.Build(null, new Dictionary<string, string?> { ["Detector:Api:Token"] = "abc" });

        Assert.Equal("abc", DetectorConfiguration.Bind(configuration).Api.Token);
    }
}
