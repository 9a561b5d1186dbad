using System.Globalization;

namespace Detector.Benchmarks;

/// <param name="Lines">Lines in the synthetic log.</param>
/// <param name="Keep">Keep the generated log (reused by the next run) and the audit log instead of deleting them.</param>
public sealed record ReplayOptions(long Lines, bool Keep)
{
    public static ReplayOptions Parse(string[] args)
    {
        var options = new ReplayOptions(1_000_000, false);
        for (var i = 0; i < args.Length; i++)
        {
            options = args[i] switch
            {
                "--lines" when i + 1 < args.Length => options with { Lines = long.Parse(args[++i].Replace("_", ""), CultureInfo.InvariantCulture) },
                "--keep" => options with { Keep = true },
                _ => throw new ArgumentException($"unknown replay option '{args[i]}'"),
            };
        }
        if (options.Lines <= 0) throw new ArgumentException("--lines must be positive");
        return options;
    }
}
