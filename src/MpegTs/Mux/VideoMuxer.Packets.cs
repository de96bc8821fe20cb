namespace Ristbond.MpegTs;

/// <summary>The packet layer of <see cref="VideoMuxer"/>: PES header, TS packets, adaptation fields, continuity.</summary>
public sealed partial class VideoMuxer
{
    /// <summary>PTS, DTS and the PCR base are 33-bit counters that wrap (about every 26.5 hours).</summary>
    const long TimestampMask = (1L << 33) - 1;

    const int PayloadCapacity = TsPacket.Size - 4;
    const int PcrAdaptationLength = 1 + 6; // flags byte + program_clock_reference
    const byte RandomAccessIndicator = 0x40;
    const byte VideoStreamId = 0xE0;
    const byte PrivateStream1Id = 0xBD;
    const int MaxPesPacketLength = 0xFFFF;

    // vicodec's struct fwht_cframe_hdr opens with two magic words (Ristbond.Video.V4l2.FwhtHeader reads the rest).
    static ReadOnlySpan<byte> FwhtMagic => [0x4F, 0x4F, 0x4F, 0x4F, 0xFF, 0xFF, 0xFF, 0xFF];

    static bool StartsWithFwhtHeader(ReadOnlySpan<byte> frame) => frame.StartsWith(FwhtMagic);
    const int MaxPesHeaderLength = 9 + 10; // fixed part + PTS and DTS

    // Buffers for one access unit's packets: allocated once, reused for every call.
    readonly byte[] _batch = new byte[TsPacket.DatagramSize];
    readonly byte[] _prefix = new byte[MaxPesHeaderLength + AnnexB.MaxDelimiterLength];
    int _batchFilled;
    int _patContinuity;
    int _pmtContinuity;
    int _videoContinuity;

    void WriteTables()
    {
        Psi.WritePatPacket(NextPacket(), _options.ProgramNumber, _options.PmtPid, _patContinuity++);
        Psi.WritePmtPacket(NextPacket(), _options.PmtPid, _options.ProgramNumber, _options.VideoPid, _streams, _pmtContinuity++);
    }

    /// <summary>
    /// Writes the access unit as one PES packet: PES header and, if the access unit lacks one, a delimiter (Annex-B
    /// codecs only: an FWHT frame opens with its own header), then the access unit itself, cut into TS packets. The first packet carries the PCR and the random access flag when
    /// asked; the last is filled out with adaptation-field stuffing, so no PES ever shares a packet.
    /// </summary>
    void WritePes(ReadOnlySpan<byte> accessUnit, long pts, long dts, bool keyframe, long? pcr)
    {
        int prefixLength = WritePesHeader(_prefix, _pesStreamId, _pesStatesLength ? accessUnit.Length : -1, pts, dts);
        if (_annexB && !AnnexB.StartsWithDelimiter(accessUnit, _options.Codec))
        {
            ReadOnlySpan<byte> delimiter = AnnexB.Delimiter(_options.Codec);
            delimiter.CopyTo(_prefix.AsSpan(prefixLength));
            prefixLength += delimiter.Length;
        }
        ReadOnlySpan<byte> prefix = _prefix.AsSpan(0, prefixLength);

        int total = prefix.Length + accessUnit.Length;
        int written = 0;
        bool first = true;
        while (written < total)
        {
            // An adaptation field's length byte counts separately: field + payload fill the 184 bytes after the header.
            int minimumAdaptation = !first ? -1 : pcr.HasValue ? PcrAdaptationLength : keyframe ? 1 : -1;
            int capacity = minimumAdaptation < 0 ? PayloadCapacity : PayloadCapacity - 1 - minimumAdaptation;
            int remaining = total - written;
            int adaptation = remaining < capacity ? PayloadCapacity - 1 - remaining : minimumAdaptation;
            int payloadLength = Math.Min(remaining, capacity);

            Span<byte> packet = NextPacket();
            TsPacket.WriteHeader(packet, _options.VideoPid, payloadUnitStart: first, adaptation: adaptation >= 0, payload: true, _videoContinuity++);
            int payloadStart = 4;
            if (adaptation >= 0)
            {
                TsPacket.WriteAdaptationField(packet, adaptation, first ? pcr : null);
                if (first && keyframe)
                    packet[5] |= RandomAccessIndicator; // a decoder may start here: tables went just before
                payloadStart += 1 + adaptation;
            }
            CopyJoined(prefix, accessUnit, written, packet.Slice(payloadStart, payloadLength));
            written += payloadLength;
            first = false;
        }
        PushBatch();
    }

    /// <summary>
    /// Writes a PES header and returns its length. For a video stream (<paramref name="payloadLength"/> -1)
    /// PES_packet_length is 0 ("unbounded"), which 13818-1 §2.4.3.7 allows for video in a TS and which lets an access
    /// unit be larger than 64 KiB. private_stream_1 (FWHT) states its length, as the standard wants of streams other
    /// than video, unless the frame is too large for the 16-bit field; then it is unbounded too, as a demuxer that
    /// reads video PES (FFmpeg's does) still takes it up to the next unit start.
    /// data_alignment_indicator is set: every PES starts with an access unit (with its delimiter).
    /// </summary>
    static int WritePesHeader(Span<byte> header, byte streamId, int payloadLength, long pts, long dts)
    {
        bool withDts = dts != pts;
        int headerLength = withDts ? 19 : 14;
        int packetLength = payloadLength < 0 ? 0 : headerLength - 6 + payloadLength;
        if (packetLength > MaxPesPacketLength)
            packetLength = 0;
        header[0] = 0x00;
        header[1] = 0x00;
        header[2] = 0x01;
        header[3] = streamId;
        header[4] = (byte)(packetLength >> 8); // PES_packet_length
        header[5] = (byte)packetLength;
        header[6] = 0x84; // '10' marker, not scrambled, data_alignment_indicator
        header[7] = (byte)(withDts ? 0xC0 : 0x80); // PTS_DTS_flags
        header[8] = (byte)(withDts ? 10 : 5); // PES_header_data_length
        WriteTimestamp(header[9..], withDts ? 0b0011 : 0b0010, pts);
        if (!withDts)
            return 14;
        WriteTimestamp(header[14..], 0b0001, dts);
        return 19;
    }

    /// <summary>A 33-bit PTS or DTS in its 5-byte form: 4-bit prefix, then 3 + 15 + 15 bits each closed by a marker bit.</summary>
    static void WriteTimestamp(Span<byte> destination, int prefix, long timestamp)
    {
        long t = timestamp & TimestampMask;
        destination[0] = (byte)((prefix << 4) | (int)((t >> 29) & 0x0E) | 1);
        destination[1] = (byte)(t >> 22);
        destination[2] = (byte)(((t >> 14) & 0xFE) | 1);
        destination[3] = (byte)(t >> 7);
        destination[4] = (byte)(((t << 1) & 0xFE) | 1);
    }

    /// <summary>Copies the bytes at <paramref name="offset"/> of <paramref name="first"/> followed by <paramref name="second"/>, without joining them.</summary>
    static void CopyJoined(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, int offset, Span<byte> destination)
    {
        if (offset < first.Length)
        {
            int fromFirst = Math.Min(first.Length - offset, destination.Length);
            first.Slice(offset, fromFirst).CopyTo(destination);
            destination = destination[fromFirst..];
            offset = 0;
        }
        else
        {
            offset -= first.Length;
        }
        second.Slice(offset, destination.Length).CopyTo(destination);
    }

    /// <summary>The next free packet slot in the batch; a full batch goes to the framer first.</summary>
    Span<byte> NextPacket()
    {
        if (_batchFilled == _batch.Length)
            PushBatch();
        Span<byte> packet = _batch.AsSpan(_batchFilled, TsPacket.Size);
        _batchFilled += TsPacket.Size;
        return packet;
    }

    /// <summary>Hands the batch to the framer, which sends every whole datagram and keeps the rest for the next call.</summary>
    void PushBatch()
    {
        if (_batchFilled == 0)
            return;
        _framer.PushPackets(_batch.AsSpan(0, _batchFilled));
        _batchFilled = 0;
    }
}
