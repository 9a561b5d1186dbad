namespace Detector.Windows;

/// <summary>The last few distinct values seen (sample paths and user agents), newest last.</summary>
internal sealed class RecentValues(int capacity)
{
    private readonly List<string> _values = new(capacity);

    public void AddRange(string[] values)
    {
        foreach (var value in values)
        {
            var index = IndexOf(value);
            if (index == _values.Count - 1 && index >= 0) continue; // already the newest: the common case
            if (index >= 0) _values.RemoveAt(index);
            else if (_values.Count == capacity) _values.RemoveAt(0);
            _values.Add(value);
        }
    }

    public List<string> ToList() => [.. _values];

    // The parser pools repeated values, so the same text is usually the same instance.
    private int IndexOf(string value)
    {
        for (var i = _values.Count - 1; i >= 0; i--)
            if (ReferenceEquals(_values[i], value)) return i;
        for (var i = _values.Count - 1; i >= 0; i--)
            if (string.Equals(_values[i], value, StringComparison.Ordinal)) return i;
        return -1;
    }
}
