namespace Ristbond.Ingest.Tests.Harness;

/// <summary>
/// Real-time measurements on a shared two-core machine: when other work starves this process of CPU, a source
/// cannot keep time, however right it is. A measurement that failed while the datagrams show such a stall (a gap
/// of over <see cref="StallNanos"/>) is run again, up to three times in all. A source that is wrong fails every
/// attempt, and one that stalls by itself stalls in every attempt, so this hides nothing the source does.
/// </summary>
public static class Starvation
{
    public const long StallNanos = 100_000_000;
    const int Attempts = 3;

    public static void Measure(Action<RecordingSink> measurement)
    {
        for (int attempt = 1; ; attempt++)
        {
            var sink = new RecordingSink();
            try
            {
                measurement(sink);
                return;
            }
            catch (Exception) when (attempt < Attempts && LongestGapNanos(sink) > StallNanos)
            {
                TestContext.Current.TestOutputHelper?.WriteLine(
                    $"attempt {attempt}: failed after a {LongestGapNanos(sink) / 1e6:F0} ms stall in delivery; the machine is busy, measuring again");
            }
        }
    }

    public static long LongestGapNanos(RecordingSink sink)
    {
        var datagrams = sink.Datagrams;
        long longest = 0;
        for (int i = 1; i < datagrams.Count; i++)
            longest = Math.Max(longest, datagrams[i].Nanos - datagrams[i - 1].Nanos);
        return longest;
    }
}
