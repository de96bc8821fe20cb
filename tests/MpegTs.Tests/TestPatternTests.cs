using Ristbond.MpegTs.Tests.Harness;

namespace Ristbond.MpegTs.Tests;

/// <summary>
/// The built-in test stream and its checker: a clean copy checks clean, and each kind of damage a link can do is
/// counted as that kind and no other.
/// </summary>
public sealed class TestPatternTests
{
    const long Millisecond = 1_000_000;

    /// <summary>Two seconds of the test stream, one datagram per simulated millisecond, as (send time, packet).</summary>
    static List<(long Nanos, byte[] Packet)> TwoSeconds() =>
        [.. Packets.Generate(2000).SelectMany(d => Packets.Split(d.Datagram).Select(p => (d.Nanos, p)))];

    static TestPatternVerifier Verify(IEnumerable<(long Nanos, byte[] Packet)> packets, long latencyNanos = 3 * Millisecond)
    {
        var verifier = new TestPatternVerifier();
        foreach (var (nanos, packet) in packets)
            verifier.Push(packet, nanos + latencyNanos);
        return verifier;
    }

    static int IndexOfData(List<(long Nanos, byte[] Packet)> packets, long sequence) =>
        packets.FindIndex(p => TsPacket.Pid(p.Packet) == TestPattern.DataPid && TestPattern.TryReadDataPacket(p.Packet, out long s, out _) && s == sequence);

    [Fact]
    public void Clean_copy_checks_clean()
    {
        var packets = TwoSeconds();

        var verifier = Verify(packets);

        long dataPackets = packets.Count(p => TsPacket.Pid(p.Packet) == TestPattern.DataPid);
        Assert.True(dataPackets > 13_000, $"only {dataPackets} data packets in 2 s");
        Assert.Equal(packets.Count, verifier.TsPackets);
        Assert.Equal(dataPackets, verifier.DataPackets);
        Assert.Equal(0, verifier.FirstSequence);
        Assert.Equal(dataPackets - 1, verifier.LastSequence);
        Assert.Equal(0, verifier.Missing);
        Assert.Equal(0, verifier.LongestGap);
        Assert.Equal(0, verifier.OutOfOrder);
        Assert.Equal(0, verifier.Corrupt);
        Assert.Equal(0, verifier.ContinuityErrors);
        Assert.Equal(0, verifier.SyncErrors);
    }

    [Fact]
    public void Removed_data_packet_is_one_missing()
    {
        var packets = TwoSeconds();
        packets.RemoveAt(IndexOfData(packets, 5000));

        var verifier = Verify(packets);

        Assert.Equal(1, verifier.Missing);
        Assert.Equal(1, verifier.LongestGap);
        Assert.Equal(1, verifier.ContinuityErrors); // the data PID's counter skipped one
        Assert.Equal(0, verifier.OutOfOrder);
        Assert.Equal(0, verifier.Corrupt);
    }

    [Fact]
    public void Longest_gap_is_the_longest_run_lost_not_the_total()
    {
        var packets = TwoSeconds();
        foreach (long sequence in new long[] { 1000, 1001, 9000, 9001, 9002, 9003, 9004 })
            packets.RemoveAt(IndexOfData(packets, sequence));

        var verifier = Verify(packets);

        Assert.Equal(7, verifier.Missing);
        Assert.Equal(5, verifier.LongestGap);
        Assert.Equal(0, verifier.OutOfOrder);
    }

    [Fact]
    public void Duplicated_data_packet_is_out_of_order_not_missing()
    {
        var packets = TwoSeconds();
        int index = IndexOfData(packets, 3000);
        packets.Insert(index + 1, packets[index]);

        var verifier = Verify(packets);

        Assert.Equal(1, verifier.OutOfOrder);
        Assert.Equal(0, verifier.Missing);
        Assert.Equal(0, verifier.Corrupt);
        Assert.Equal(verifier.LastSequence + 2, verifier.DataPackets); // every packet, plus the copy
    }

    [Fact]
    public void Flipped_payload_byte_is_corrupt()
    {
        var packets = TwoSeconds();
        int index = IndexOfData(packets, 4000);
        byte[] damaged = (byte[])packets[index].Packet.Clone();
        damaged[100] ^= 0x01;
        packets[index] = (packets[index].Nanos, damaged);

        var verifier = Verify(packets);

        Assert.Equal(1, verifier.Corrupt);
        Assert.Equal(0, verifier.OutOfOrder);
        Assert.Equal(0, verifier.ContinuityErrors); // the header was intact
    }

    [Fact]
    public void Flipped_sequence_number_is_corrupt()
    {
        var packets = TwoSeconds();
        int index = IndexOfData(packets, 4000);
        byte[] damaged = (byte[])packets[index].Packet.Clone();
        damaged[11] ^= 0x10; // the sequence number now says 4016: same continuity counter, wrong content
        packets[index] = (packets[index].Nanos, damaged);

        var verifier = Verify(packets);

        Assert.Equal(1, verifier.Corrupt);
        Assert.Equal(0, verifier.OutOfOrder);
    }

    [Fact]
    public void Lost_table_packet_is_a_continuity_error_only()
    {
        var packets = TwoSeconds();
        int secondPat = packets.FindIndex(1, p => TsPacket.Pid(p.Packet) == TsPacket.PatPid);
        packets.RemoveAt(secondPat);

        var verifier = Verify(packets);

        Assert.Equal(1, verifier.ContinuityErrors);
        Assert.Equal(0, verifier.Missing);
        Assert.Equal(0, verifier.Corrupt);
        Assert.Equal(0, verifier.OutOfOrder);
    }

    [Fact]
    public void Bad_sync_and_trailing_fragment_are_sync_errors()
    {
        var packets = TwoSeconds();
        var verifier = new TestPatternVerifier();
        byte[] bad = (byte[])packets[10].Packet.Clone();
        bad[0] = 0x00;

        verifier.Push(bad, 0);
        verifier.Push(packets[11].Packet.AsSpan(0, 100), 0);

        Assert.Equal(2, verifier.SyncErrors);
        Assert.Equal(0, verifier.TsPackets);
    }

    [Fact]
    public void Latency_is_measured_from_the_embedded_send_time()
    {
        var packets = TwoSeconds();
        var verifier = new TestPatternVerifier();
        for (int i = 0; i < packets.Count; i++)
            verifier.Push(packets[i].Packet, packets[i].Nanos + (i < packets.Count / 2 ? 2 : 10) * Millisecond);

        Assert.Equal(2 * Millisecond, verifier.LatencyMinNanos);
        Assert.Equal(10 * Millisecond, verifier.LatencyMaxNanos);
        Assert.InRange(verifier.LatencyMeanNanos, 5.5 * Millisecond, 6.5 * Millisecond);
    }

    [Fact]
    public void Constant_latency_is_reported_exactly()
    {
        var verifier = Verify(TwoSeconds(), latencyNanos: 7 * Millisecond);

        Assert.Equal(7 * Millisecond, verifier.LatencyMinNanos);
        Assert.Equal(7 * Millisecond, verifier.LatencyMaxNanos);
        Assert.Equal(7 * Millisecond, verifier.LatencyMeanNanos, precision: 0);
    }

    [Fact]
    public void Every_sequence_number_has_its_own_payload()
    {
        var payloads = new HashSet<string>();
        byte[] packet = new byte[TsPacket.Size];
        for (long sequence = 0; sequence < 5000; sequence++)
        {
            TestPattern.WriteDataPacket(packet, sequence, sentNanos: 123);
            Assert.True(payloads.Add(Convert.ToHexString(packet, 20, TsPacket.Size - 20)), $"sequence {sequence} repeats an earlier payload");
            Assert.True(TestPattern.TryReadDataPacket(packet, out long read, out long sent));
            Assert.Equal((sequence, 123L), (read, sent));
        }
    }

    [Fact]
    public void Payload_of_one_sequence_number_does_not_pass_for_another()
    {
        byte[] packet = new byte[TsPacket.Size];
        TestPattern.WriteDataPacket(packet, 16, sentNanos: 0);
        packet[11] = 32; // same continuity counter (16 & 15 == 32 & 15), other number

        Assert.False(TestPattern.TryReadDataPacket(packet, out _, out _));
    }

    [Fact]
    public void Tables_come_every_100_ms_and_pcr_every_40_ms()
    {
        var packets = TwoSeconds();
        long start = packets[0].Nanos;
        List<long> pats = [.. packets.Where(p => TsPacket.Pid(p.Packet) == TsPacket.PatPid).Select(p => p.Nanos)];
        List<long> pmts = [.. packets.Where(p => TsPacket.Pid(p.Packet) == TestPattern.PmtPid).Select(p => p.Nanos)];
        List<(long Nanos, long Pcr)> pcrs = [.. packets
            .Where(p => TsPacket.Pid(p.Packet) == TestPattern.PcrPid)
            .Select(p => (p.Nanos, TsPacket.TryGetPcr(p.Packet, out long pcr) ? pcr : -1))];

        Assert.Equal(20, pats.Count);
        Assert.Equal(pats, pmts); // each PAT is followed by its PMT in the same datagram
        Assert.All(pats.Zip(pats.Skip(1)), pair => Assert.InRange(pair.Second - pair.First, 99 * Millisecond, 101 * Millisecond));

        Assert.Equal(50, pcrs.Count);
        Assert.All(pcrs.Zip(pcrs.Skip(1)), pair => Assert.InRange(pair.Second.Nanos - pair.First.Nanos, 39 * Millisecond, 41 * Millisecond));
        // The PCR is the simulated clock in 27 MHz ticks since the stream started.
        Assert.All(pcrs, p => Assert.Equal((p.Nanos - start) * 27 / 1000, p.Pcr));
    }
}
