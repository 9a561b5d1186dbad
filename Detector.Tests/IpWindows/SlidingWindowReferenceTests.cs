using Detector.IpWindows;
using Detector.Domain;

namespace Detector.Tests.IpWindows;

/// <summary>SlidingWindow against a naive list of (second, counts) filtered by the window definition.</summary>
public class SlidingWindowReferenceTests
{
    private sealed class NaiveWindow(int windowSeconds)
    {
        private readonly List<(long Second, SecondCounts Counts)> _adds = [];
        public long Latest { get; private set; } = long.MinValue;

        private bool Inside(long second) => Latest != long.MinValue && second > Latest - windowSeconds && second <= Latest;

        public bool Add(long second, SecondCounts counts)
        {
            if (Latest == long.MinValue || second > Latest)
                Latest = second;
            if (!Inside(second))
                return false;
            _adds.Add((second, counts));
            return true;
        }

        public void AdvanceTo(long second)
        {
            if (Latest == long.MinValue || second > Latest)
                Latest = second;
        }

        public SecondCounts Totals => _adds.Where(a => Inside(a.Second)).Aggregate(default(SecondCounts), (sum, a) => sum + a.Counts);

        public SecondCounts At(long second) =>
            _adds.Where(a => a.Second == second && Inside(second)).Aggregate(default(SecondCounts), (sum, a) => sum + a.Counts);

        public List<(long, SecondCounts)> Buckets() => _adds
            .Where(a => Inside(a.Second))
            .GroupBy(a => a.Second)
            .Select(g => (g.Key, g.Aggregate(default(SecondCounts), (sum, a) => sum + a.Counts)))
            .Where(b => b.Item2 != default)
            .OrderBy(b => b.Key)
            .ToList();
    }

    private static SecondCounts RandomCounts(Random random)
    {
        var requests = random.Next(0, 4) == 0 ? 0 : random.Next(1, 500);
        var errors = requests == 0 ? 0 : random.Next(0, requests + 1);
        var auth = random.Next(0, errors + 1);
        return new SecondCounts(requests, errors, auth, errors - auth);
    }

    [Fact]
    public void Totals_buckets_and_At_match_a_naive_filtered_list_under_random_adds_and_jumps()
    {
        for (var seed = 0; seed < 400; seed++)
        {
            var random = new Random(seed);
            var windowSeconds = random.Next(1, 90);
            var window = new SlidingWindow(windowSeconds);
            var naive = new NaiveWindow(windowSeconds);
            long cursor = random.Next(-200, 2_000_000_000);

            for (var step = 0; step < 250; step++)
            {
                var roll = random.Next(100);
                if (roll < 60)
                {
                    // Mostly recent seconds, some late ones still inside the window, some too old.
                    var second = cursor + random.Next(-windowSeconds - 10, 4);
                    var counts = RandomCounts(random);
                    Assert.Equal(naive.Add(second, counts), window.Add(second, counts));
                    cursor = Math.Max(cursor, second);
                }
                else if (roll < 85)
                {
                    var second = cursor + random.Next(-5, 6);
                    naive.AdvanceTo(second);
                    window.AdvanceTo(second);
                    cursor = Math.Max(cursor, second);
                }
                else
                {
                    cursor += random.Next(windowSeconds - 2, windowSeconds * 3 + 5);
                    var counts = RandomCounts(random);
                    Assert.Equal(naive.Add(cursor, counts), window.Add(cursor, counts));
                }

                Assert.Equal(naive.Latest, window.LatestSecond);
                Assert.Equal(naive.Totals, window.Totals);
                if (step % 10 == 0)
                {
                    Assert.Equal(naive.Buckets(), window.Buckets().ToList());
                    for (var s = naive.Latest - windowSeconds - 2; s <= naive.Latest + 2; s++)
                        Assert.Equal(naive.At(s), window.At(s));
                }
            }
        }
    }
}
