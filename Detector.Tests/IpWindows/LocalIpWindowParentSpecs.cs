using Akka.Actor;
using Detector.Configuration;
using Detector.Ingest;
using Detector.Tests.Detection;
using Detector.IpWindows;
using Detector.Domain;

namespace Detector.Tests.IpWindows;

/// <summary>The local child-per-entity host: same messages and passivation as the shard region.</summary>
public sealed class LocalIpWindowParentSpecs : Akka.TestKit.Xunit.TestKit
{
    private static readonly IpKey Ip = IpKey.Parse("192.0.2.7");

    private IpTrafficObserved Traffic(long second, int requests, long slice) =>
        new(Ip, [(second, new SecondCounts(requests, 0, 0, 0))], ["/"], ["agent"], Baselines.Ip(1, 2), slice, TestActor);

    [Fact]
    public async Task Entity_keeps_its_window_across_messages_and_starts_afresh_after_passivating_when_idle()
    {
        var parent = Sys.ActorOf(LocalIpWindowParent.Props(new DetectionOptions()), "windows");

        parent.Tell(Traffic(100, 10, 1));
        Assert.Equal(10, ExpectMsg<IpEvaluated>().Window.Requests);
        parent.Tell(Traffic(101, 5, 2));
        Assert.Equal(15, ExpectMsg<IpEvaluated>().Window.Requests);

        var entity = await Sys.ActorSelection(parent.Path / Ip.ToString()).ResolveOne(TimeSpan.FromSeconds(5));
        Watch(entity);
        parent.Tell(new IpIdle(Ip));
        ExpectTerminated(entity);

        parent.Tell(Traffic(102, 1, 3));
        Assert.Equal(1, ExpectMsg<IpEvaluated>().Window.Requests);
        parent.Tell(new GetIpWindowState(Ip));
        var state = ExpectMsg<IpWindowState>();
        Assert.Equal(102, state.LatestSecond);
        Assert.Equal(["/"], state.RecentPaths);
    }

    [Fact]
    public void Flooding_entity_replies_with_a_verdict_and_its_buckets()
    {
        var parent = Sys.ActorOf(LocalIpWindowParent.Props(new DetectionOptions()));

        parent.Tell(Traffic(100, 600, 1));

        var reply = ExpectMsg<IpEvaluated>();
        Assert.NotNull(reply.Verdict);
        Assert.Equal([(100L, new SecondCounts(600, 0, 0, 0))], reply.Buckets!);
    }
}
