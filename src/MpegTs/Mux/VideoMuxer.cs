namespace Ristbond.MpegTs;

/// <summary>
/// Muxes one video elementary stream into a single-program transport stream, access unit by access unit, and hands
/// the packets on in 7×188-byte datagrams. Each access unit becomes one PES packet; the PAT and PMT go before every
/// keyframe and often enough that none is more than <see cref="VideoMuxerOptions.TableInterval"/> from the last;
/// the PCR rides in the video PID's adaptation field, derived from the DTS.
/// <para>
/// The only clock is the stream's own DTS: the muxer is called once per frame and cannot send between frames.
/// Tables and PCR are placed so the gap to the next ones stays within their interval if the next frame comes one
/// frame duration later. Below 25 fps every frame carries a PCR and the PCR gap is the frame duration; below 10 fps
/// tables go before every frame and their gap is the frame duration too.
/// </para>
/// One writer thread, no locks; after construction nothing is allocated per access unit.
/// </summary>
public sealed partial class VideoMuxer
{
    /// <summary>PTS, DTS and PCR base count a 90 kHz clock.</summary>
    public const long TicksPerSecond = 90_000;

    readonly VideoMuxerOptions _options;
    readonly DatagramFramer _framer;
    readonly Psi.ElementaryStream[] _streams;
    readonly long _pcrOffsetTicks;
    readonly long _pcrIntervalTicks;
    readonly long _tableIntervalTicks;

    // How an access unit is framed, decided by the codec once: an Annex-B stream (HEVC, H.264) goes in a video PES
    // of unstated length after an access unit delimiter; an FWHT frame opens with its own header and goes in a
    // private_stream_1 PES that states its length.
    readonly bool _annexB;
    readonly byte _pesStreamId;
    readonly bool _pesStatesLength;

    bool _started;
    long _lastDts;
    long _lastPcrDts;
    long _lastTablesDts;
    long _accessUnits;

    /// <param name="sink">Receives whole datagrams on the calling thread.</param>
    /// <exception cref="ArgumentException">An option cannot make a valid stream; the message names it.</exception>
    public VideoMuxer(IDatagramSink sink, VideoMuxerOptions options)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _framer = new DatagramFramer(sink);
        _streams = [new(options.StreamType, options.VideoPid, options.FormatIdentifier)];
        _pcrOffsetTicks = TicksFromTimeSpan(options.PcrOffset);
        _pcrIntervalTicks = TicksFromTimeSpan(options.PcrInterval);
        _tableIntervalTicks = TicksFromTimeSpan(options.TableInterval);
        _annexB = options.Codec != VideoCodec.Fwht;
        _pesStreamId = _annexB ? VideoStreamId : PrivateStream1Id;
        _pesStatesLength = !_annexB;
    }

    public VideoMuxerOptions Options => _options;

    /// <summary>Access units muxed so far (rejected ones do not count).</summary>
    public long AccessUnits => Interlocked.Read(ref _accessUnits);

    /// <summary>TS packets written, not counting the null packets that pad a flushed datagram.</summary>
    public long Packets => _framer.Packets;

    public long Datagrams => _framer.Datagrams;

    /// <summary>Packets waiting for a datagram to fill; <see cref="Flush"/> sends them now.</summary>
    public int PendingPackets => _framer.PendingPackets;

    /// <summary>90 kHz ticks from nanoseconds (an encoder's monotonic capture time), rounded toward zero.</summary>
    public static long TicksFromNanoseconds(long nanoseconds) =>
        nanoseconds / 100_000 * 9 + nanoseconds % 100_000 * 9 / 100_000; // split so that no product overflows

    /// <summary>
    /// Muxes one access unit whose decode and presentation times are the same (a stream without B-frames).
    /// </summary>
    /// <param name="accessUnit">One whole access unit as an Annex-B byte stream, starting with a start code.</param>
    /// <param name="pts">Presentation time in 90 kHz ticks, not wrapped; must increase from one call to the next.</param>
    /// <param name="keyframe">The access unit is a random access point (IDR, CRA, BLA) a decoder can start at.</param>
    /// <exception cref="ArgumentException">Nothing was written; the message names the argument at fault.</exception>
    public void Write(ReadOnlySpan<byte> accessUnit, long pts, bool keyframe)
    {
        CheckAccessUnit(accessUnit);
        if (_started && pts <= _lastDts)
            throw new ArgumentException($"Could not mux access unit {_accessUnits}: its PTS {pts} is not after the previous access unit's {_lastDts}", nameof(pts));
        WriteChecked(accessUnit, pts, pts, keyframe);
    }

    /// <summary>Muxes one access unit, in decode order. The DTS goes in the PES header only if it differs from the PTS.</summary>
    /// <param name="accessUnit">One whole access unit as an Annex-B byte stream, starting with a start code.</param>
    /// <param name="pts">Presentation time in 90 kHz ticks, not wrapped; never before <paramref name="dts"/>.</param>
    /// <param name="dts">Decode time in 90 kHz ticks, not wrapped; must increase from one call to the next.</param>
    /// <param name="keyframe">The access unit is a random access point (IDR, CRA, BLA) a decoder can start at.</param>
    /// <exception cref="ArgumentException">Nothing was written; the message names the argument at fault.</exception>
    public void Write(ReadOnlySpan<byte> accessUnit, long pts, long dts, bool keyframe)
    {
        CheckAccessUnit(accessUnit);
        if (dts > pts)
            throw new ArgumentException($"Could not mux access unit {_accessUnits}: its DTS {dts} is after its PTS {pts} (a frame cannot be shown before it is decoded)", nameof(dts));
        if (_started && dts <= _lastDts)
            throw new ArgumentException($"Could not mux access unit {_accessUnits}: its DTS {dts} is not after the previous access unit's {_lastDts} (access units must come in decode order)", nameof(dts));
        WriteChecked(accessUnit, pts, dts, keyframe);
    }

    /// <summary>
    /// Sends the packets waiting for a datagram to fill, padded with null packets. Call it when the encoder goes
    /// quiet (after each frame, for the lowest latency), so that a small frame is not held back for the next one.
    /// </summary>
    public void Flush() => _framer.Flush();

    void CheckAccessUnit(ReadOnlySpan<byte> accessUnit)
    {
        if (accessUnit.IsEmpty)
            throw new ArgumentException($"Could not mux access unit {_accessUnits}: it is empty", nameof(accessUnit));
        if (!_annexB)
        {
            if (!StartsWithFwhtHeader(accessUnit))
                throw new ArgumentException(
                    $"Could not mux access unit {_accessUnits}: it does not open with an FWHT frame header (first bytes {Convert.ToHexString(accessUnit[..Math.Min(8, accessUnit.Length)])})",
                    nameof(accessUnit));
            return;
        }
        if (AnnexB.FirstNalType(accessUnit, _options.Codec) < 0)
            throw new ArgumentException(
                $"Could not mux access unit {_accessUnits}: it does not open with an Annex-B start code and a {_options.Codec} NAL header (first bytes {Convert.ToHexString(accessUnit[..Math.Min(6, accessUnit.Length)])})",
                nameof(accessUnit));
    }

    /// <summary>Arguments are valid from here on: nothing below throws on account of them.</summary>
    void WriteChecked(ReadOnlySpan<byte> accessUnit, long pts, long dts, bool keyframe)
    {
        // The step to this frame stands for the step to the next: whatever is due before then goes out now.
        long step = _started ? dts - _lastDts : 0;
        if (!_started || keyframe || IsDue(dts, _lastTablesDts, step, _tableIntervalTicks))
        {
            WriteTables();
            _lastTablesDts = dts;
        }
        long? pcr = null;
        if (!_started || keyframe || IsDue(dts, _lastPcrDts, step, _pcrIntervalTicks))
        {
            pcr = PcrFromDts(dts);
            _lastPcrDts = dts;
        }
        WritePes(accessUnit, pts, dts, keyframe, pcr);
        _started = true;
        _lastDts = dts;
        Interlocked.Increment(ref _accessUnits);
    }

    /// <summary>Whether waiting one more <paramref name="step"/> would leave more than <paramref name="interval"/> since <paramref name="last"/>.</summary>
    static bool IsDue(long now, long last, long step, long interval) => now - last + step > interval;

    /// <summary>The PCR for an access unit: its DTS less the offset, in 27 MHz ticks, wrapped to 33 bits of base.</summary>
    long PcrFromDts(long dts) => ((dts - _pcrOffsetTicks) & TimestampMask) * 300;

    static long TicksFromTimeSpan(TimeSpan span) => span.Ticks * TicksPerSecond / TimeSpan.TicksPerSecond;
}
