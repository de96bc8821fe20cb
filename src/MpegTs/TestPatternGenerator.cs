namespace Ristbond.MpegTs;

/// <summary>
/// Produces the test stream datagram by datagram. Tables every 100 ms and a PCR every 40 ms of the caller's
/// clock, as a real multiplex would, so ffprobe and receivers see a well-formed program.
/// </summary>
public sealed class TestPatternGenerator
{
    const long TableIntervalNanos = 100_000_000;
    const long PcrIntervalNanos = 40_000_000;

    static readonly Psi.ElementaryStream[] s_streams = [new(TestPattern.PrivateDataStreamType, TestPattern.DataPid)];

    long _nextSequence;
    long _nextTablesAt = long.MinValue;
    long _nextPcrAt = long.MinValue;
    long _startNanos = long.MinValue;
    int _patContinuity;
    int _pmtContinuity;

    /// <summary>Data packets written so far; the next one carries this number.</summary>
    public long DataPackets => _nextSequence;

    public void WriteDatagram(Span<byte> datagram, long nowNanos)
    {
        if (_startNanos == long.MinValue)
            _startNanos = nowNanos;
        for (int i = 0; i < TsPacket.PacketsPerDatagram; i++)
            WritePacket(datagram.Slice(i * TsPacket.Size, TsPacket.Size), nowNanos);
    }

    void WritePacket(Span<byte> packet, long nowNanos)
    {
        if (nowNanos >= _nextTablesAt)
        {
            if (_patContinuity == _pmtContinuity)
            {
                Psi.WritePatPacket(packet, Psi.DefaultProgramNumber, TestPattern.PmtPid, _patContinuity++);
                return;
            }
            Psi.WritePmtPacket(packet, TestPattern.PmtPid, Psi.DefaultProgramNumber, TestPattern.PcrPid, s_streams, _pmtContinuity++);
            _nextTablesAt = nowNanos + TableIntervalNanos;
            return;
        }
        if (nowNanos >= _nextPcrAt)
        {
            long pcr = (nowNanos - _startNanos) * 27 / 1000; // 27 MHz ticks
            // Adaptation-only packets keep their continuity counter (13818-1 §2.4.3.3), so it stays 0.
            TsPacket.WriteHeader(packet, TestPattern.PcrPid, payloadUnitStart: false, adaptation: true, payload: false, continuityCounter: 0);
            TsPacket.WriteAdaptationField(packet, TsPacket.Size - 5, pcr);
            _nextPcrAt = nowNanos + PcrIntervalNanos;
            return;
        }
        TestPattern.WriteDataPacket(packet, _nextSequence++, nowNanos);
    }
}
