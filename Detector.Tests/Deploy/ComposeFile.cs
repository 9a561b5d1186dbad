using Detector.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace Detector.Tests.Deploy;

/// <summary>docker-compose.yml, loaded with YamlDotNet, with the few lookups the specs need.</summary>
public sealed class ComposeFile
{
    public const string RelativePath = "docker-compose.yml";

    public YamlMappingNode Root { get; }
    public string Text { get; }

    private ComposeFile(string text)
    {
        Text = text;
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        Root = (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    public static ComposeFile Load() => new(File.ReadAllText(Repository.File(RelativePath)));

    public YamlMappingNode Services => Map(Root, "services");
    public YamlMappingNode Service(string name) => Map(Services, name);
    public IEnumerable<string> ServiceNames => Services.Children.Keys.Select(k => ((YamlScalarNode)k).Value!);
    public IEnumerable<string> NamedVolumes => Map(Root, "volumes").Children.Keys.Select(k => ((YamlScalarNode)k).Value!);

    public static YamlMappingNode Map(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) && child is YamlMappingNode map
            ? map : throw new Xunit.Sdk.XunitException($"'{key}' is not a mapping here");

    public static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? (child as YamlScalarNode)?.Value : null;

    public static IReadOnlyList<string> Sequence(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) && child is YamlSequenceNode seq
            ? seq.Children.Select(c => ((YamlScalarNode)c).Value!).ToList() : [];

    /// <summary>The service's environment, from the mapping or the KEY=VALUE list form.</summary>
    public static IReadOnlyDictionary<string, string> Environment(YamlMappingNode service)
    {
        if (!service.Children.TryGetValue(new YamlScalarNode("environment"), out var env)) return new Dictionary<string, string>();
        return env switch
        {
            YamlMappingNode map => map.Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => ((YamlScalarNode)kv.Value).Value ?? ""),
            YamlSequenceNode list => list.Children.Select(c => ((YamlScalarNode)c).Value!.Split('=', 2))
                .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : ""),
            _ => throw new Xunit.Sdk.XunitException("environment must be a mapping or a list"),
        };
    }

    public sealed record Mount(string Source, string Target, bool ReadOnly);

    /// <summary>The service's volumes, short ("src:dst[:ro]") or long syntax.</summary>
    public static IReadOnlyList<Mount> Mounts(YamlMappingNode service)
    {
        if (!service.Children.TryGetValue(new YamlScalarNode("volumes"), out var volumes)) return [];
        return ((YamlSequenceNode)volumes).Children.Select(v => v switch
        {
            YamlScalarNode s => ParseShort(s.Value!),
            YamlMappingNode m => new Mount(Scalar(m, "source") ?? "", Scalar(m, "target")!, Scalar(m, "read_only") == "true"),
            _ => throw new Xunit.Sdk.XunitException("unexpected volume entry"),
        }).ToList();

        static Mount ParseShort(string spec)
        {
            var parts = spec.Split(':');
            var mode = parts.Length > 2 ? parts[2] : "rw";
            return new Mount(parts[0], parts[1], mode.Split(',').Contains("ro"));
        }
    }
}
