namespace Detector.Windows;

/// <summary>The last few distinct values seen (sample paths and user agents), newest last.</summary>
internal sealed class RecentValues(int capacity)
{
    private readonly List<string> _values = new(capacity);

    public void AddRange(IEnumerable<string> values)
    {
        foreach (var value in values)
        {
            var index = _values.IndexOf(value);
            if (index >= 0) _values.RemoveAt(index);
            else if (_values.Count == capacity) _values.RemoveAt(0);
            _values.Add(value);
        }
    }

    public List<string> ToList() => [.. _values];
}
