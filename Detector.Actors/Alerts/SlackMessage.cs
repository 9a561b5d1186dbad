namespace Detector.Alerts;

/// <summary>One webhook post: <paramref name="Payload"/> is the JSON body (Block Kit blocks and the <c>text</c>
/// fallback); <paramref name="Summary"/> names it in logs (action and subject, nothing log-derived).</summary>
public sealed record SlackMessage(string Summary, string Text, string Payload);

/// <summary>What a BAN alert can say beyond its audit line: the offence on the ladder and a few recent requests.</summary>
public sealed record BanDetails(int? Offence, int LadderSteps, IReadOnlyList<string> SamplePaths, IReadOnlyList<string> SampleAgents)
{
    public static readonly BanDetails None = new(null, 0, [], []);
}

/// <summary>How broad a global surge is: distinct source IPs in the window, how many are new, the busiest.</summary>
public sealed record SurgeBreadth(int DistinctIps, int NewIps, IReadOnlyList<SurgeSource> Top);

public sealed record SurgeSource(string Ip, int Requests);

/// <summary>Optional: something that can tell how broad the current surge is. Registered in DI when available;
/// GLOBAL alerts include its answer.</summary>
public interface ISurgeBreadthSource
{
    SurgeBreadth? Current();
}

/// <summary>Extra facts for one alert; <paramref name="SuppressedBefore"/> counts identical alerts held back by
/// the cooldown since the last one was sent.</summary>
public sealed record AlertContext(BanDetails? Ban = null, SurgeBreadth? Surge = null, int SuppressedBefore = 0)
{
    public static readonly AlertContext Empty = new();
}
