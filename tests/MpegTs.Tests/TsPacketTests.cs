namespace Ristbond.MpegTs.Tests;

/// <summary>What a receiver reads back from a packet is what was written: header fields, adaptation field, PCR.</summary>
public sealed class TsPacketTests
{
    const long PcrModulus = (1L << 33) * 300; // the PCR base is 33 bits of 90 kHz, the extension counts 0..299

    [Theory]
    [InlineData(0x0000, true, false, true, 0)]
    [InlineData(0x0100, false, false, true, 7)]
    [InlineData(0x0101, false, true, false, 15)]
    [InlineData(0x1000, true, true, true, 9)]
    [InlineData(0x1FFE, false, true, true, 1)]
    [InlineData(TsPacket.NullPid, false, false, true, 3)]
    public void Header_fields_read_back_as_written(int pid, bool payloadUnitStart, bool adaptation, bool payload, int continuity)
    {
        byte[] packet = new byte[TsPacket.Size];
        packet.AsSpan().Fill(0xA5); // whatever was in the buffer before must not leak into the header

        TsPacket.WriteHeader(packet, pid, payloadUnitStart, adaptation, payload, continuity);

        Assert.True(TsPacket.HasSync(packet));
        Assert.Equal(pid, TsPacket.Pid(packet));
        Assert.Equal(payloadUnitStart, TsPacket.PayloadUnitStart(packet));
        Assert.Equal(adaptation, TsPacket.HasAdaptationField(packet));
        Assert.Equal(payload, TsPacket.HasPayload(packet));
        Assert.Equal(continuity, TsPacket.ContinuityCounter(packet));
        Assert.False(TsPacket.TransportError(packet));
        Assert.Equal(0, packet[3] & 0xC0); // transport_scrambling_control: not scrambled
    }

    [Fact]
    public void Continuity_counter_wraps_at_16()
    {
        byte[] packet = new byte[TsPacket.Size];
        TsPacket.WriteHeader(packet, 0x100, false, false, true, 16 + 5);
        Assert.Equal(5, TsPacket.ContinuityCounter(packet));
        Assert.Equal(0x100, TsPacket.Pid(packet)); // and the overflow did not spill into the flags or PID
        Assert.True(TsPacket.HasPayload(packet));
        Assert.False(TsPacket.HasAdaptationField(packet));
    }

    [Fact]
    public void HasSync_needs_a_whole_packet_that_starts_with_0x47()
    {
        byte[] packet = new byte[TsPacket.Size];
        Assert.False(TsPacket.HasSync(packet));
        packet[0] = TsPacket.SyncByte;
        Assert.True(TsPacket.HasSync(packet));
        Assert.False(TsPacket.HasSync(packet.AsSpan(0, TsPacket.Size - 1)));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(299L)]
    [InlineData(300L)]
    [InlineData(27_000_000L)]                  // one second
    [InlineData(2_430_000_000_000L)]           // 25 hours
    [InlineData(PcrModulus - 27_000_000)]      // a second before the 33-bit wrap
    [InlineData(PcrModulus - 301)]
    [InlineData(PcrModulus - 1)]               // the largest PCR there is
    public void Pcr_reads_back_as_written(long pcr)
    {
        byte[] packet = PcrPacket(pcr);

        Assert.True(TsPacket.TryGetPcr(packet, out long read));
        Assert.Equal(pcr, read);
    }

    [Theory]
    [InlineData(PcrModulus, 0L)]
    [InlineData(PcrModulus + 5, 5L)]
    [InlineData(PcrModulus + 27_000_000, 27_000_000L)]
    public void Pcr_past_the_33_bit_range_wraps_to_the_modulus(long written, long expected)
    {
        Assert.True(TsPacket.TryGetPcr(PcrPacket(written), out long read));
        Assert.Equal(expected, read);
    }

    [Fact]
    public void Pcr_field_is_laid_out_as_13818_1_says()
    {
        // PCR = 1 s + 7 ticks: base 90000 (0x15F90) << 15 | reserved 0x3F << 9 | extension 7, in 6 bytes.
        byte[] packet = PcrPacket(27_000_000 + 7);

        Assert.Equal(0x20, packet[3] & 0x30);      // adaptation only
        Assert.Equal(183, packet[4]);              // adaptation_field_length fills the packet
        Assert.Equal(0x10, packet[5]);             // PCR_flag only
        Assert.Equal(new byte[] { 0x00, 0x00, 0xAF, 0xC8, 0x7E, 0x07 }, packet[6..12]);
        Assert.All(packet[12..], b => Assert.Equal(0xFF, b)); // stuffing
    }

    [Fact]
    public void Adaptation_field_without_pcr_is_stuffing_and_has_no_pcr()
    {
        byte[] packet = new byte[TsPacket.Size];
        TsPacket.WriteHeader(packet, 0x100, false, adaptation: true, payload: true, 0);
        TsPacket.WriteAdaptationField(packet, 10, pcr: null);

        Assert.Equal(10, packet[4]);
        Assert.Equal(0x00, packet[5]);
        Assert.All(packet[6..15], b => Assert.Equal(0xFF, b));
        Assert.False(TsPacket.TryGetPcr(packet, out _));
        Assert.Equal(TsPacket.Size - 15, TsPacket.Payload(packet).Length); // header 4 + length byte + 10
    }

    [Fact]
    public void Packet_without_adaptation_field_has_no_pcr_and_a_184_byte_payload()
    {
        byte[] packet = new byte[TsPacket.Size];
        TsPacket.WriteHeader(packet, 0x100, false, adaptation: false, payload: true, 0);
        packet[5] = 0x10; // looks like a PCR flag, but there is no adaptation field

        Assert.False(TsPacket.TryGetPcr(packet, out _));
        Assert.Equal(184, TsPacket.Payload(packet).Length);
    }

    [Fact]
    public void Adaptation_field_too_short_for_a_pcr_has_none()
    {
        byte[] packet = PcrPacket(12345);
        packet[4] = 6; // one byte short of flags + 6 PCR bytes
        Assert.False(TsPacket.TryGetPcr(packet, out _));
    }

    [Fact]
    public void Adaptation_only_packet_has_an_empty_payload()
    {
        Assert.True(TsPacket.Payload(PcrPacket(0)).IsEmpty);
    }

    static byte[] PcrPacket(long pcr)
    {
        byte[] packet = new byte[TsPacket.Size];
        TsPacket.WriteHeader(packet, 0x101, payloadUnitStart: false, adaptation: true, payload: false, 0);
        TsPacket.WriteAdaptationField(packet, TsPacket.Size - 5, pcr);
        return packet;
    }
}
