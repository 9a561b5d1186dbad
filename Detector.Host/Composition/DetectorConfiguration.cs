using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using Detector.Configuration;

namespace Detector.Host.Composition;

/// <summary>A configuration value that cannot be read as its option's type.</summary>
public sealed class InvalidConfigurationException(string message, Exception? inner = null) : FormatException(message, inner);

/// <summary>
/// Loads <c>Detector</c> options: appsettings.json beside the executable, an optional --config file,
/// environment (<c>Detector__Section__Key</c>), then command-line flags. What the values mean is checked by
/// <see cref="DetectorOptions.Validate"/>.
/// </summary>
public static class DetectorConfiguration
{
    public static IConfiguration Build(string? configFile, IReadOnlyDictionary<string, string?> overrides)
    {
        var builder = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true);
        if (configFile is not null) builder.AddJsonFile(Path.GetFullPath(configFile), optional: false);
        return builder
            .AddEnvironmentVariables()
            .AddInMemoryCollection(overrides.Where(kv => kv.Value is not null))
            .Build();
    }

    /// <exception cref="InvalidConfigurationException">A value does not convert to its option's type (a word where a
    /// number belongs, an unknown firewall backend); the message names the key.</exception>
    public static DetectorOptions Bind(IConfiguration configuration)
    {
        var options = new DetectorOptions();
        // The binder ignores keys it does not know: a key that was replaced must not be dropped without a word.
        if (configuration[$"{DetectorOptions.Section}:Enforcement:Ipv6PrefixLength"] is not null)
            throw new InvalidConfigurationException(
                $"{DetectorOptions.Section}:Enforcement:Ipv6PrefixLength was replaced by {DetectorOptions.Section}:Enforcement:Ipv6Range " +
                "(PrefixLength; MinAddresses 1 bans the prefix at the first offence, as Ipv6PrefixLength did).");
        try
        {
            configuration.GetSection(DetectorOptions.Section).Bind(options);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidConfigurationException(Describe(e), e);
        }
        return options;
    }

    /// <summary><see cref="Build"/> and <see cref="Bind"/> for a verb: a value that does not bind is printed as a
    /// configuration error and the verb exits with 2.</summary>
    public static bool TryLoad(string? configFile, IReadOnlyDictionary<string, string?> overrides, TextWriter error,
        [NotNullWhen(true)] out DetectorOptions? options)
    {
        try
        {
            options = Bind(Build(configFile, overrides));
            return true;
        }
        catch (InvalidConfigurationException e)
        {
            error.WriteLine($"configuration error: {e.Message}");
            options = null;
            return false;
        }
    }

    // The binder says "Failed to convert configuration value at 'Detector:Log:PollIntervalMs' to type '…'" and keeps
    // the converter's reason inside: give the key first, then the reason.
    private static string Describe(InvalidOperationException e)
    {
        var key = Regex.Match(e.Message, "at '([^']+)'");
        var reason = e.InnerException?.Message ?? e.Message;
        return key.Success ? $"{key.Groups[1].Value}: {reason}" : e.Message;
    }
}
