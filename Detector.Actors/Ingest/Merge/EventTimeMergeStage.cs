using Akka.Streams;
using Akka.Streams.Stage;

namespace Detector.Ingest.Merge;

/// <summary>Fan-in stage over <see cref="EventTimeMerger"/>: pulls every input that has nothing buffered, pushes runs in event time.</summary>
public sealed class EventTimeMergeStage : GraphStage<UniformFanInShape<EntryBatch, EntryBatch>>
{
    private readonly int _inputs;

    public EventTimeMergeStage(int inputs)
    {
        _inputs = inputs;
        var ins = Enumerable.Range(0, inputs).Select(i => new Inlet<EntryBatch>($"EventTimeMerge.in{i}")).ToArray();
        Shape = new UniformFanInShape<EntryBatch, EntryBatch>(new Outlet<EntryBatch>("EventTimeMerge.out"), ins);
    }

    public override UniformFanInShape<EntryBatch, EntryBatch> Shape { get; }

    protected override Attributes InitialAttributes => Attributes.CreateName("EventTimeMerge");

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : GraphStageLogic
    {
        private readonly EventTimeMergeStage _stage;
        private readonly EventTimeMerger _merger;

        public Logic(EventTimeMergeStage stage) : base(stage.Shape)
        {
            _stage = stage;
            _merger = new EventTimeMerger(stage._inputs);
            for (var i = 0; i < stage._inputs; i++)
            {
                var input = i;
                var inlet = stage.Shape.In(i);
                SetHandler(inlet,
                    onPush: () =>
                    {
                        _merger.Offer(input, Grab(inlet));
                        PullWanted();
                        TryPush();
                    },
                    onUpstreamFinish: () =>
                    {
                        _merger.Complete(input);
                        TryPush();
                    });
            }
            SetHandler(stage.Shape.Out, onPull: TryPush);
        }

        public override void PreStart() => PullWanted();

        private void PullWanted()
        {
            for (var i = 0; i < _stage._inputs; i++)
            {
                var inlet = _stage.Shape.In(i);
                if (_merger.Wants(i) && !HasBeenPulled(inlet) && !IsClosed(inlet)) Pull(inlet);
            }
        }

        private void TryPush()
        {
            if (_merger.IsFinished)
            {
                CompleteStage();
                return;
            }
            if (!IsAvailable(_stage.Shape.Out)) return;
            var run = _merger.TryTake();
            if (run is null) return;
            Push(_stage.Shape.Out, run);
            PullWanted();
            if (_merger.IsFinished) CompleteStage();
        }
    }
}
