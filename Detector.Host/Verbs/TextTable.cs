using System.Text;

namespace Detector.Host.Verbs;

/// <summary>Left-aligned columns padded to their widest cell, two spaces apart; headers in capitals.</summary>
public sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    /// <summary>false for a key/value listing.</summary>
    public bool ShowHeaders { get; init; } = true;

    public TextTable Add(params string[] cells)
    {
        if (cells.Length != headers.Length) throw new ArgumentException($"expected {headers.Length} cells, got {cells.Length}");
        _rows.Add(cells);
        return this;
    }

    public void WriteTo(TextWriter output)
    {
        var widths = headers.Select((h, i) => _rows.Select(r => r[i].Length).Append(ShowHeaders ? h.Length : 0).Max()).ToArray();
        if (ShowHeaders) Line(output, headers.Select(h => h.ToUpperInvariant()).ToArray(), widths);
        foreach (var row in _rows) Line(output, row, widths);
    }

    private static void Line(TextWriter output, string[] cells, int[] widths)
    {
        var line = new StringBuilder();
        for (var i = 0; i < cells.Length; i++)
        {
            if (i > 0) line.Append("  ");
            line.Append(i == cells.Length - 1 ? cells[i] : cells[i].PadRight(widths[i]));
        }
        output.WriteLine(line.ToString().TrimEnd());
    }
}
