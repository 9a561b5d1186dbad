using Akka.Actor;

namespace Detector.IpWindows;

/// <summary>Asks the collector to complete <paramref name="Done"/> once <paramref name="Count"/> replies for the slice arrived.</summary>
public sealed record ExpectReplies(long SliceId, int Count, TaskCompletionSource<List<IpEvaluated>> Done);

/// <summary>
/// Gathers the entities' answers for one closed second so the pipeline can wait for all of them with
/// one task instead of one Ask per IP. Replies may arrive before the expectation; they are kept.
/// </summary>
public sealed class ReplyCollector : ReceiveActor
{
    private readonly Dictionary<long, List<IpEvaluated>> _replies = new();
    private readonly Dictionary<long, ExpectReplies> _expected = new();

    public ReplyCollector()
    {
        Receive<IpEvaluated>(reply =>
        {
            if (!_replies.TryGetValue(reply.SliceId, out var list)) _replies[reply.SliceId] = list = [];
            list.Add(reply);
            TryComplete(reply.SliceId);
        });
        Receive<ExpectReplies>(expect =>
        {
            _expected[expect.SliceId] = expect;
            TryComplete(expect.SliceId);
        });
    }

    private void TryComplete(long sliceId)
    {
        if (!_expected.TryGetValue(sliceId, out var expect)) return;
        _replies.TryGetValue(sliceId, out var list);
        if ((list?.Count ?? 0) < expect.Count) return;
        _expected.Remove(sliceId);
        _replies.Remove(sliceId);
        expect.Done.TrySetResult(list ?? []);
    }
}
