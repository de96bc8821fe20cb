using Ristbond.MpegTs.Tests.Harness;

namespace Ristbond.MpegTs.Tests;

/// <summary>Finding where packets start in a byte stream, and seeing through an RTP header to the TS inside.</summary>
public sealed class TsSyncTests
{
    [Fact]
    public void Alignment_is_found_after_a_garbage_prefix_of_every_length()
    {
        var random = new Random(7);
        byte[] packets = Packets.NumberedRun(0, 10);
        for (int prefix = 0; prefix < TsPacket.Size; prefix++)
        {
            byte[] garbage = new byte[prefix];
            random.NextBytes(garbage);
            for (int i = 0; i < garbage.Length; i++)
            {
                if (garbage[i] == TsPacket.SyncByte)
                    garbage[i] = 0x00;
            }

            int found = TsSync.FindAlignment([.. garbage, .. packets]);

            Assert.True(found == prefix, $"garbage prefix of {prefix} bytes: alignment found at {found}");
        }
    }

    [Fact]
    public void A_lone_sync_byte_in_the_garbage_is_not_trusted()
    {
        byte[] garbage = new byte[50];
        garbage[10] = TsPacket.SyncByte; // 0x47 at 10, but not at 10 + 188·k
        byte[] data = [.. garbage, .. Packets.NumberedRun(0, 10)];

        Assert.Equal(50, TsSync.FindAlignment(data));
    }

    [Fact]
    public void With_fewer_than_five_packets_all_whole_packets_must_agree()
    {
        byte[] data = [.. new byte[20], .. Packets.NumberedRun(0, 2)];
        Assert.Equal(20, TsSync.FindAlignment(data));
    }

    [Fact]
    public void No_sync_byte_pattern_means_no_alignment()
    {
        Assert.Equal(-1, TsSync.FindAlignment(new byte[10 * TsPacket.Size]));
        Assert.Equal(-1, TsSync.FindAlignment([]));
        Assert.Equal(-1, TsSync.FindAlignment(Packets.Numbered(0).AsSpan(0, 100))); // not even one whole packet
    }

    [Fact]
    public void Plain_ts_has_no_rtp_header()
    {
        Assert.Equal(0, TsSync.RtpHeaderLength(Packets.NumberedRun(0, 7)));
        Assert.Equal(0, TsSync.RtpHeaderLength(Packets.NumberedRun(0, 1)));
    }

    [Fact]
    public void Plain_rtp_header_is_12_bytes()
    {
        byte[] datagram = [.. RtpHeader(csrcCount: 0, extensionWords: -1), .. Packets.NumberedRun(0, 7)];
        Assert.Equal(12, TsSync.RtpHeaderLength(datagram));
        Assert.Equal(Packets.NumberedRun(0, 7), datagram[12..]);
    }

    [Fact]
    public void Rtp_with_one_packet_is_recognised()
    {
        byte[] datagram = [.. RtpHeader(csrcCount: 0, extensionWords: -1), .. Packets.NumberedRun(0, 1)];
        Assert.Equal(12, TsSync.RtpHeaderLength(datagram));
    }

    [Theory]
    [InlineData(1, 16)]
    [InlineData(3, 24)]
    [InlineData(15, 72)]
    public void Rtp_csrcs_are_skipped(int csrcCount, int expected)
    {
        byte[] datagram = [.. RtpHeader(csrcCount, extensionWords: -1), .. Packets.NumberedRun(0, 7)];
        Assert.Equal(expected, TsSync.RtpHeaderLength(datagram));
    }

    [Theory]
    [InlineData(0, 0, 16)]
    [InlineData(0, 2, 24)]
    [InlineData(2, 3, 12 + 8 + 4 + 12)]
    public void Rtp_header_extension_is_skipped(int csrcCount, int extensionWords, int expected)
    {
        byte[] datagram = [.. RtpHeader(csrcCount, extensionWords), .. Packets.NumberedRun(0, 7)];
        Assert.Equal(expected, TsSync.RtpHeaderLength(datagram));
    }

    [Fact]
    public void Rtp_carrying_something_other_than_whole_ts_packets_is_not_stripped()
    {
        byte[] notTs = new byte[7 * TsPacket.Size];
        Assert.Equal(0, TsSync.RtpHeaderLength([.. RtpHeader(0, -1), .. notTs]));
        Assert.Equal(0, TsSync.RtpHeaderLength([.. RtpHeader(0, -1), .. Packets.NumberedRun(0, 7), 0x00])); // a stray byte
        Assert.Equal(0, TsSync.RtpHeaderLength(RtpHeader(0, -1)));
    }

    /// <summary>An RTP header (version 2, payload type 33 = MP2T) with CSRCs and, if <paramref name="extensionWords"/> ≥ 0, an extension.</summary>
    static byte[] RtpHeader(int csrcCount, int extensionWords)
    {
        var header = new List<byte>
        {
            (byte)(0x80 | (extensionWords >= 0 ? 0x10 : 0) | csrcCount), 33, 0x12, 0x34, // V=2 X CC, PT, sequence
            0, 0, 0x10, 0x00,                                                           // timestamp
            0xDE, 0xAD, 0xBE, 0xEF,                                                     // SSRC
        };
        for (int i = 0; i < csrcCount; i++)
            header.AddRange([0x47, 0x47, 0x47, (byte)i]); // CSRCs full of sync bytes must not be mistaken for TS
        if (extensionWords >= 0)
        {
            header.AddRange([0xBE, 0xDE, 0, (byte)extensionWords]);
            for (int i = 0; i < extensionWords * 4; i++)
                header.Add(TsPacket.SyncByte);
        }
        return [.. header];
    }
}
