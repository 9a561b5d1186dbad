using System.Text;
using System.Text.Json;
using Detector.Simulation;

namespace Detector.Tests.Simulation;

public class AccessLogLineWriterTests
{
    [Theory]
    [InlineData("plain /path?a=1&b=2", "plain /path?a=1&b=2")]
    [InlineData("say \"hi\"", "say \\\"hi\\\"")]
    [InlineData("C:\\temp", "C:\\\\temp")]
    [InlineData("a\nb\tc\u0001", "a\\nb\\tc\\u0001")]
    [InlineData("Grüße", "Grüße")]
    public void Escapes_values_like_nginx_escape_json(string value, string expected)
    {
        var builder = new StringBuilder();
        AccessLogLineWriter.AppendEscaped(builder, value);

        Assert.Equal(expected, builder.ToString());
        Assert.Equal(value, JsonSerializer.Deserialize<string>("\"" + builder + "\""));
    }

    [Fact]
    public void Log_format_directive_names_every_field_once()
    {
        foreach (var field in NginxLogFormat.Fields)
            Assert.Contains($"'\"{field}\":\"${field}\"", NginxLogFormat.Directive);
        Assert.StartsWith("log_format detector_json escape=json", NginxLogFormat.Directive);
    }
}
