namespace Detector.Baseline;

/// <summary>Learned seconds and their requests in one aligned minute; InSlot once its rate was added to an hourly slot.</summary>
internal struct MinuteTally
{
    public long Minute;
    public int LearnedSeconds;
    public long Requests;
    public bool InSlot;

    public readonly double Rate => LearnedSeconds == 0 ? 0 : (double)Requests / LearnedSeconds;

    public void Reset(long minute) => this = new MinuteTally { Minute = minute };
}
