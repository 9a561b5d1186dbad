namespace Detector.Tests.Deploy;

/// <summary>A systemd unit (or any INI-like file): section -> key -> values, in order.</summary>
public sealed class UnitFile
{
    public Dictionary<string, Dictionary<string, List<string>>> Sections { get; } = new();

    public static UnitFile Parse(string text)
    {
        var unit = new UnitFile();
        Dictionary<string, List<string>>? section = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#') || line.StartsWith(';')) continue;
            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                section = unit.Sections[line[1..^1]] = new();
                continue;
            }
            var eq = line.IndexOf('=');
            if (section is null || eq < 0) throw new FormatException($"unexpected line: {line}");
            var key = line[..eq].Trim();
            if (!section.TryGetValue(key, out var values)) section[key] = values = [];
            values.Add(line[(eq + 1)..].Trim());
        }
        return unit;
    }

    public string? Get(string section, string key) =>
        Sections.TryGetValue(section, out var s) && s.TryGetValue(key, out var v) ? v[^1] : null;
}
