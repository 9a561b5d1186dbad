using Detector.Domain;

namespace Detector.Tests.Domain;

public sealed class UntrustedTextTests
{
    [Theory]
    [InlineData("/login?user=\u202Etxt.exe", "/login?user=\\u202Etxt.exe")]   // right-to-left override
    [InlineData("agent\u2028BAN 1.2.3.4", "agent\\u2028BAN 1.2.3.4")]         // line separator
    [InlineData("a\u2029b", "a\\u2029b")]                                     // paragraph separator
    [InlineData("a\u200Bb\uFEFFc", "a\\u200Bb\\uFEFFc")]                      // zero width space, BOM (Cf)
    [InlineData("a\u2066b\u2069", "a\\u2066b\\u2069")]                        // isolates
    [InlineData("bell\u0007 esc\u001B[31m del\u007F c1\u0085", "bell\\u0007 esc\\u001B[31m del\\u007F c1\\u0085")]
    [InlineData("tab\tcr\rlf\n", "tab cr lf ")]
    public void Control_format_and_separator_characters_become_visible_codes(string text, string shown) =>
        Assert.Equal(shown, UntrustedText.Neutralise(text));

    [Fact]
    public void A_lone_surrogate_becomes_its_code() =>
        Assert.Equal("lone \\uD800 surrogate", UntrustedText.Neutralise("lone \uD800 surrogate"));

    [Theory]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64)")]
    [InlineData("/remote.php/dav/files/jörg/Ünïcødé ファイル.txt")]
    [InlineData("emoji 😀 pair")]
    [InlineData("")]
    public void Ordinary_text_is_returned_as_it_is(string text) =>
        Assert.Same(text, UntrustedText.Neutralise(text));
}
