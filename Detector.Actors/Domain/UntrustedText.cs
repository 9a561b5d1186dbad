using System.Globalization;
using System.Text;

namespace Detector.Domain;

/// <summary>
/// Text that came from the log (paths, user agents) on its way to a person: the dashboard, the API and Slack. Control
/// and format characters are made visible instead of acting: a right-to-left override (U+202E) could reorder what an
/// operator reads, a line or paragraph separator (U+2028, U+2029) could start a fake line. The one place this is
/// decided; renderers add their own escaping (Slack's &amp;, &lt;, &gt;) on top.
/// </summary>
public static class UntrustedText
{
    /// <summary>Tab, CR and LF become a space; every other control (Cc), format (Cf, bidi controls included),
    /// line or paragraph separator (Zl, Zp), and surrogate without its pair becomes its
    /// code as text, <c>\u202E</c>. Returns the same string when there is nothing to change.</summary>
    public static string Neutralise(string text)
    {
        StringBuilder? builder = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var pair = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            var codePoint = pair ? char.ConvertToUtf32(c, text[i + 1]) : c;
            var category = pair ? CharUnicodeInfo.GetUnicodeCategory(codePoint) : char.GetUnicodeCategory(c);
            if (!IsHidden(category))
            {
                builder?.Append(c);
                if (pair) builder?.Append(text[i + 1]);
            }
            else
            {
                builder ??= new StringBuilder(text.Length + 16).Append(text, 0, i);
                if (c is '\t' or '\r' or '\n') builder.Append(' ');
                else builder.Append(CultureInfo.InvariantCulture, $"\\u{codePoint:X4}");
            }
            if (pair) i++;
        }
        return builder?.ToString() ?? text;
    }

    private static bool IsHidden(UnicodeCategory category) => category is
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or
        UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate;
}
