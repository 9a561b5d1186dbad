using Detector.Domain;

namespace Detector.Enforcement;

/// <summary>A list of CIDR blocks; an address is in the list when any block contains it.</summary>
public sealed class Allowlist
{
    private readonly Cidr[] _blocks;

    public Allowlist(IEnumerable<Cidr> blocks) => _blocks = blocks.Distinct().ToArray();

    public static Allowlist Empty { get; } = new([]);

    public IReadOnlyList<Cidr> Blocks => _blocks;

    /// <summary>Parses every entry; throws FormatException naming the first bad one by its index.</summary>
    public static Allowlist Parse(IReadOnlyList<string> entries, string key = "allowlist")
    {
        var blocks = new Cidr[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            if (!Cidr.TryParse(entries[i], out blocks[i], out var error))
                throw new FormatException($"{key}:{i} '{entries[i]}' is not a CIDR block: {error}.");
        }
        return new Allowlist(blocks);
    }

    /// <summary>The first block containing <paramref name="ip"/>, or null.</summary>
    public Cidr? Match(IpKey ip)
    {
        foreach (var block in _blocks)
            if (block.Contains(ip)) return block;
        return null;
    }

    public bool Contains(IpKey ip) => Match(ip) is not null;
}
