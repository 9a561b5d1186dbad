namespace Detector.Simulation;

/// <summary>Derives independent, reproducible per-source seeds from the scenario seed (SplitMix64).</summary>
internal static class SeedMixer
{
    public static Random RandomFor(int seed, int stream, int index)
    {
        var z = (ulong)(uint)seed * 0x9E37_79B9_7F4A_7C15UL + ((ulong)stream << 32 | (uint)index) + 0x6A09_E667_F3BC_C909UL;
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        z ^= z >> 31;
        return new Random((int)(z & 0x7FFF_FFFF));
    }
}
