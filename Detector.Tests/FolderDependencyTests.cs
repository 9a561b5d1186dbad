using Detector.Configuration;
using Detector.Tests.Support;

namespace Detector.Tests;

/// <summary>
/// The library's top-level folders (namespaces <c>Detector.&lt;Folder&gt;</c>) use each other without cycles, read from
/// the compiled Detector.Actors assembly (see <see cref="FolderGraph"/> for what counts as a use). The layering:
/// Domain, then Configuration, then Ingest, Baseline and Detection, then IpWindows, then Pipeline; Enforcement, Audit
/// and Alerts on top of Domain and Configuration; Hosting, which composes the actors, last.
/// </summary>
public sealed class FolderDependencyTests
{
    private static readonly FolderGraph Graph = FolderGraph.Read(typeof(DetectorOptions).Assembly, "Detector");

    [Fact]
    public void The_library_folders_depend_on_each_other_without_cycles()
    {
        TestContext.Current.TestOutputHelper?.WriteLine(Graph.ToString());

        var cycle = Graph.FindCycle((_, _) => false);

        Assert.True(cycle is null, cycle is null ? "" : $"Folder cycle: {Describe(cycle)}\n\nAll uses:\n{Graph}");
    }

    [Fact]
    public void The_foundations_use_nothing_above_them()
    {
        Assert.Empty(Graph.Edges.GetValueOrDefault("Domain")?.Keys ?? []);
        Assert.Equal(["Domain"], Graph.Edges.GetValueOrDefault("Configuration")?.Keys.ToList() ?? []);
        foreach (var folder in Graph.Folders.Where(f => f != "Hosting"))
            Assert.False(Graph.Edges.GetValueOrDefault(folder)?.ContainsKey("Hosting") ?? false, $"{folder} uses Hosting");
    }

    private static string Describe(IReadOnlyList<string> cycle) =>
        string.Join(" → ", cycle) + "\n" + string.Join("\n", cycle.Zip(cycle.Skip(1),
            (from, to) => $"  {from} → {to}: {string.Join("; ", Graph.Edges[from][to])}"));
}
