using Detector.Domain;
namespace Detector.Tests.Ingest;

public class LogParserRequestAndEscapeTests
{
    // Fields are written with ' for " to keep the JSON readable here.
    private static string Line(string fields) =>
        $$"""{"ip":"192.0.2.1","time":"2026-04-29T14:24:29Z","status":200,{{fields.Replace('\'', '"')}}}""";

    [Theory]
    [InlineData("GET /index.php HTTP/1.1", "GET", "/index.php")]
    [InlineData("POST /login?user=a%20b HTTP/2.0", "POST", "/login?user=a%20b")]
    [InlineData("GET /", "GET", "/")]
    [InlineData("PROPFIND /remote.php/dav HTTP/1.1", "PROPFIND", "/remote.php/dav")]
    [InlineData("", "-", "-")]
    [InlineData("\\u0016\\u0003\\u0001", "\u0016\u0003\u0001", "-")]
    public void Request_line_is_split_when_method_and_path_are_absent(string request, string method, string path)
    {
        var entry = new LogParserFixture().ParseGood(Line($"'request':'{request}'"));
        Assert.Equal((method, path), (entry.Method, entry.Path));
    }

    [Fact]
    public void Explicit_method_and_path_win_over_the_request_line()
    {
        var entry = new LogParserFixture().ParseGood(Line("'request':'GET /a HTTP/1.1','request_method':'HEAD','request_uri':'/b'"));
        Assert.Equal(("HEAD", "/b"), (entry.Method, entry.Path));
    }

    [Fact]
    public void Escaped_quote_unicode_and_slash_are_unescaped_in_path_and_user_agent()
    {
        var entry = new LogParserFixture().ParseGood(Line(
            """'path':'\/search?q=\"x\"\u003cscript\u003e','http_user_agent':'Evil \"Bot\" \u003c1.0\u003e \\ é'"""));
        Assert.Equal("/search?q=\"x\"<script>", entry.Path);
        Assert.Equal("Evil \"Bot\" <1.0> \\ é", entry.UserAgent);
    }

    [Fact]
    public void Escaped_field_names_are_recognised()
    {
        var entry = new LogParserFixture().ParseGood("""{"remote\u005faddr":"192.0.2.77","time":"2026-04-29T14:24:29Z","status":200}""");
        Assert.Equal(Detector.Domain.IpKey.Parse("192.0.2.77"), entry.Ip);
    }

    [Fact]
    public void Escaped_request_line_is_unescaped_before_splitting()
    {
        var entry = new LogParserFixture().ParseGood(Line("""'request':'GET \/a\"b HTTP\/1.1'"""));
        Assert.Equal(("GET", "/a\"b"), (entry.Method, entry.Path));
    }

    [Fact]
    public void Unknown_methods_are_kept_as_logged()
    {
        var entry = new LogParserFixture().ParseGood(Line("'method':'BREW'"));
        Assert.Equal("BREW", entry.Method);
    }

    [Fact]
    public void Very_long_paths_are_kept_whole()
    {
        var path = "/" + new string('a', 5000);
        var entry = new LogParserFixture().ParseGood(Line($"'path':'{path}'"));
        Assert.Equal(path, entry.Path);
    }
}
