using System.Security.Cryptography;
using System.Text;
using Detector.Configuration;

namespace Detector.Host.Api;

/// <summary>The bearer token of the mutating endpoints, from <c>Detector:Api:Token</c> or the file <c>Detector:Api:TokenFile</c>.</summary>
public sealed class ApiToken
{
    private readonly byte[]? _hash;

    private ApiToken(string? token) =>
        _hash = string.IsNullOrWhiteSpace(token) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(token.Trim()));

    public bool Configured => _hash is not null;

    /// <summary>Reads the token; a named token file that cannot be read is a configuration error (thrown).</summary>
    public static ApiToken From(ApiOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.Token)) return new ApiToken(options.Token);
        if (string.IsNullOrWhiteSpace(options.TokenFile)) return new ApiToken(null);
        return new ApiToken(File.ReadAllText(options.TokenFile));
    }

    /// <summary>Compares hashes in constant time, so neither the content nor the length of the token leaks.</summary>
    public bool Matches(string? presented) =>
        _hash is not null && presented is not null &&
        CryptographicOperations.FixedTimeEquals(_hash, SHA256.HashData(Encoding.UTF8.GetBytes(presented)));
}
