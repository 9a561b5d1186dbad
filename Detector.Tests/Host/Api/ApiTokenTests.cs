using Detector.Configuration;
using Detector.Host.Api;

namespace Detector.Tests.Host.Api;

public sealed class ApiTokenTests
{
    [Fact]
    public void Token_from_configuration_matches_only_itself()
    {
        var token = ApiToken.From(new ApiOptions { Token = "abc123" });
        Assert.True(token.Configured);
        Assert.True(token.Matches("abc123"));
        Assert.False(token.Matches("abc1234"));
        Assert.False(token.Matches("ABC123"));
        Assert.False(token.Matches(""));
        Assert.False(token.Matches(null));
    }

    [Fact]
    public void Token_file_is_read_without_its_trailing_newline()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "from-a-file\n");
            Assert.True(ApiToken.From(new ApiOptions { TokenFile = file }).Matches("from-a-file"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void No_token_configured_matches_nothing()
    {
        var token = ApiToken.From(new ApiOptions());
        Assert.False(token.Configured);
        Assert.False(token.Matches(""));
        Assert.False(token.Matches("x"));
    }
}
