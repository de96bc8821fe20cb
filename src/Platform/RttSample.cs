namespace Ristbond.Platform;

/// <summary>One RTT reading of a link: when it was reported (monotonic ns), and the smoothed RTT then, ms.</summary>
public readonly record struct RttSample(long Nanos, double Ms);
