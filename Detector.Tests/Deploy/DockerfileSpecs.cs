using System.Text.RegularExpressions;
using System.Xml.Linq;
using Detector.Tests.Support;

namespace Detector.Tests.Deploy;

/// <summary>deploy/detector/Dockerfile, read structurally (no Docker engine on the test machines).</summary>
public sealed partial class DockerfileSpecs
{
    private const string Path = "deploy/detector/Dockerfile";
    private readonly string _text = File.ReadAllText(Repository.File(Path));

    /// <summary>Instructions with continuation lines joined and comments dropped.</summary>
    private List<(string Instruction, string Arguments)> Instructions()
    {
        var joined = Regex.Replace(string.Join('\n', _text.Split('\n').Where(l => !l.TrimStart().StartsWith('#'))), @"\\\n", " ");
        return joined.Split('\n').Where(l => l.Trim().Length > 0)
            .Select(l => l.Trim().Split(' ', 2))
            .Select(p => (p[0].ToUpperInvariant(), p.Length > 1 ? p[1].Trim() : ""))
            .ToList();
    }

    private List<List<(string Instruction, string Arguments)>> Stages()
    {
        var stages = new List<List<(string, string)>>();
        foreach (var i in Instructions())
        {
            if (i.Instruction == "FROM") stages.Add([]);
            if (stages.Count > 0) stages[^1].Add(i);
        }
        return stages;
    }

    [Fact]
    public void It_builds_with_the_sdk_and_runs_on_the_aspnet_runtime()
    {
        var stages = Stages();
        Assert.Equal(2, stages.Count);
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0 AS build", stages[0][0].Arguments);
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", stages[1][0].Arguments);
        Assert.Contains(stages[1], i => i is { Instruction: "COPY" } && i.Arguments.StartsWith("--from=build /app", StringComparison.Ordinal));
    }

    [Fact]
    public void The_build_stage_publishes_the_host_and_can_run_npm()
    {
        var build = Stages()[0];
        var run = string.Join('\n', build.Where(i => i.Instruction == "RUN").Select(i => i.Arguments));
        Assert.Matches(@"apt-get install[^\n]*\bnodejs\b[^\n]*\bnpm\b", run);
        Assert.Matches(@"dotnet publish Detector\.Host/Detector\.Host\.csproj -c Release[^\n]*-o /app", run);
    }

    [Fact]
    public void The_runtime_has_the_firewall_tools()
    {
        var runtime = Stages()[1];
        var install = runtime.Where(i => i.Instruction == "RUN").Select(i => i.Arguments).Single(a => a.Contains("apt-get install"));
        foreach (var package in new[] { "iptables", "ipset", "nftables" })
            Assert.Matches($@"\b{package}\b", install);
        Assert.Contains("update-alternatives --set iptables", install);
    }

    [Fact]
    public void The_entrypoint_is_the_shipped_script_which_runs_the_published_dll()
    {
        var runtime = Stages()[1];
        var entrypoint = runtime.Single(i => i.Instruction == "ENTRYPOINT").Arguments;
        Assert.Equal("[\"/usr/local/bin/detector-entrypoint\"]", entrypoint);
        Assert.Contains(runtime, i => i.Instruction == "COPY" && i.Arguments.EndsWith("deploy/detector/entrypoint.sh /usr/local/bin/detector-entrypoint", StringComparison.Ordinal));

        var script = File.ReadAllText(Repository.File("deploy/detector/entrypoint.sh"));
        Assert.Contains("DETECTOR_DLL=\"${DETECTOR_DLL:-/app/detector.dll}\"", script);
        Assert.Contains("exec dotnet \"$DETECTOR_DLL\" run \"$@\"", script);
        Assert.Contains("WORKDIR /app", _text);
        Assert.True(new FileInfo(Repository.File("deploy/detector/entrypoint.sh")).UnixFileMode.HasFlag(UnixFileMode.UserExecute));
    }

    [Fact]
    public void The_published_dll_name_is_the_host_projects_assembly_name()
    {
        var project = XDocument.Load(Repository.File("Detector.Host/Detector.Host.csproj"));
        var assembly = project.Descendants("AssemblyName").Single().Value;
        Assert.Equal("detector", assembly);
        Assert.Contains($"test -f /app/{assembly}.dll", _text);
    }

    [Fact]
    public void The_image_carries_the_production_settings_and_no_secrets()
    {
        Assert.Contains("COPY deploy/detector/appsettings.Production.json /etc/detector/appsettings.Production.json", _text);
        Assert.Contains(Instructions(), i => i == ("CMD", "[\"--config\", \"/etc/detector/appsettings.Production.json\"]"));
        Assert.DoesNotMatch(@"(?i)(ENV|ARG)\s+[^\n]*(token|webhook|password|secret)", _text);
        Assert.DoesNotContain("hooks.slack.com", _text);
        Assert.DoesNotMatch(@"(?m)^COPY\s+\.\s", _text); // never the whole context (an .env would come along)
        var ignore = File.ReadAllLines(Repository.File("deploy/detector/Dockerfile.dockerignore"));
        Assert.Contains(".env", ignore);
        Assert.Contains("**/bin/", ignore);
        Assert.Contains("**/node_modules/", ignore);
    }

    [Fact]
    public void It_checks_its_own_health_on_healthz()
    {
        Assert.Contains("http://127.0.0.1:8080/healthz", Stages()[1].Single(i => i.Instruction == "HEALTHCHECK").Arguments);
        Assert.Contains(Stages()[1], i => i.Instruction == "RUN" && Regex.IsMatch(i.Arguments, @"apt-get install[^\n]*\bcurl\b"));
    }

    [Fact]
    public void The_files_it_copies_from_the_context_exist()
    {
        foreach (var copy in Instructions().Where(i => i.Instruction == "COPY" && !i.Arguments.Contains("--from=")))
        {
            var parts = Regex.Replace(copy.Arguments, @"--\S+\s+", "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            foreach (var source in parts[..^1])
                Assert.True(File.Exists(Repository.File(source)) || Directory.Exists(Repository.File(source)), $"COPY source {source} is missing");
        }
    }
}
