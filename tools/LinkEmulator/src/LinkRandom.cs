using System.Text;

namespace Ristbond.LinkEmulator;

/// <summary>Which way a packet travels: Up = client→target (media), Down = target→client (RTCP, NACKs).</summary>
public enum Direction
{
    Up,
    Down,
}

/// <summary>
/// xoshiro256** seeded through SplitMix64 from (seed, link name, direction). Written out here rather than
/// using System.Random because the sequence must be the same on every .NET version and platform: tests and
/// benchmarks compare runs, and System.Random's algorithm is an implementation detail. A struct, so the
/// owning model holds it inline and drawing allocates nothing. Not thread-safe: one per direction.
/// </summary>
internal struct LinkRandom
{
    ulong _s0, _s1, _s2, _s3;

    public LinkRandom(ulong seed, string linkName, Direction direction)
    {
        // The link name goes in through FNV-1a (stable, unlike string.GetHashCode, which is randomized per
        // process), then every input is folded through SplitMix64 so nearby seeds give unrelated streams.
        ulong hash = 0xcbf29ce484222325;
        foreach (byte b in Encoding.UTF8.GetBytes(linkName))
            hash = (hash ^ b) * 0x100000001b3;
        ulong mix = SplitMix(seed ^ SplitMix(hash) ^ SplitMix((ulong)direction + 0x5851f42d4c957f2d));
        _s0 = SplitMix(ref mix);
        _s1 = SplitMix(ref mix);
        _s2 = SplitMix(ref mix);
        _s3 = SplitMix(ref mix);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    static ulong SplitMix(ulong x)
    {
        ulong state = x;
        return SplitMix(ref state);
    }

    static ulong SplitMix(ref ulong state)
    {
        ulong z = state += 0x9e3779b97f4a7c15;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
        z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
        return z ^ (z >> 31);
    }
}
