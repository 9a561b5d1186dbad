namespace Detector.Configuration;

/// <summary>A secret given directly (environment) or as a file (a mounted secret); the direct value wins.</summary>
public static class Secrets
{
    /// <returns>The trimmed secret, or null when neither is set.</returns>
    /// <exception cref="IOException">The file is named but cannot be read.</exception>
    public static string? Read(string? value, string? file)
    {
        if (!string.IsNullOrWhiteSpace(value)) return value.Trim();
        if (string.IsNullOrWhiteSpace(file)) return null;
        try
        {
            var text = File.ReadAllText(file).Trim();
            return text.Length > 0 ? text : null;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new IOException($"cannot read '{file}': {e.Message}", e);
        }
    }
}
