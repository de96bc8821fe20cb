using System.Buffers.Binary;

namespace Ristbond.MpegTs;

/// <summary>
/// Checks a received video TS (what <c>send -i pattern</c> or <c>-i v4l2://</c> muxed) the way a demuxer sees it:
/// per PID the PES packets that start, their bytes, continuity breaks and the PTS steps between them, measured in
/// frames. Each PID's stream_type and registration format come from the PMT the PAT points to. It decodes nothing,
/// so it judges any codec the muxer carries (HEVC, H.264, FWHT) alike.
/// </summary>
public sealed class VideoStreamVerifier
{
    /// <summary>What one PID carried.</summary>
    public sealed class PidStats(int pid)
    {
        public int Pid { get; } = pid;
        /// <summary>From the PMT; -1 until one named this PID.</summary>
        public int StreamType { get; internal set; } = -1;
        /// <summary>The registration descriptor's format_identifier as text ("FWHT"); null without one.</summary>
        public string? Format { get; internal set; }
        public long TsPackets { get; internal set; }
        /// <summary>PES packets begun (payload_unit_start with the 00 00 01 prefix).</summary>
        public long PesPackets { get; internal set; }
        /// <summary>Payload bytes of the PES packets, headers included.</summary>
        public long PesBytes { get; internal set; }
        /// <summary>PES packets whose first TS packet has the random access indicator (keyframes).</summary>
        public long RandomAccessPoints { get; internal set; }
        public long ContinuityErrors { get; internal set; }
        /// <summary>PTS of the first and last PES with one; -1 when none.</summary>
        public long FirstPts { get; internal set; } = -1;
        public long LastPts { get; internal set; } = -1;
        /// <summary>The smallest forward PTS step seen: the frame duration in 90 kHz ticks (0 until two PTS).</summary>
        public long FrameTicks { get; internal set; }
        /// <summary>PTS steps that did not move forward (repeats or reordering; B-frames make these normal).</summary>
        public long PtsBackwards { get; internal set; }

        internal readonly List<long> Steps = [];

        /// <summary>Frames the PTS skipped over: each forward step counted in <see cref="FrameTicks"/>, less one.</summary>
        public long MissingFrames => FrameTicks <= 0 ? 0 : Steps.Sum(step => Math.Max(0, (step + FrameTicks / 2) / FrameTicks - 1));

        /// <summary>The largest run of frames the PTS skipped at once.</summary>
        public long LongestGapFrames => FrameTicks <= 0 || Steps.Count == 0 ? 0 : Math.Max(0, (Steps.Max() + FrameTicks / 2) / FrameTicks - 1);
    }

    const long TimestampWrap = 1L << 33;

    readonly ContinuityTracker _continuity = new();
    readonly SortedDictionary<int, PidStats> _pids = new();
    int _pmtPid = -1;

    public long TsPackets { get; private set; }
    public long SyncErrors { get; private set; }
    /// <summary>Continuity breaks on any PID but the null PID (tables included).</summary>
    public long ContinuityErrors => _continuity.Errors;

    /// <summary>Every PID that carried PES packets, by PID.</summary>
    public IEnumerable<PidStats> Streams => _pids.Values.Where(p => p.PesPackets > 0);

    public void Push(ReadOnlySpan<byte> data)
    {
        for (; data.Length >= TsPacket.Size; data = data[TsPacket.Size..])
            PushPacket(data[..TsPacket.Size]);
        if (!data.IsEmpty)
            SyncErrors++;
    }

    void PushPacket(ReadOnlySpan<byte> packet)
    {
        if (packet[0] != TsPacket.SyncByte)
        {
            SyncErrors++;
            return;
        }
        TsPackets++;
        int pid = TsPacket.Pid(packet);
        if (pid == TsPacket.NullPid)
            return;
        bool continuityBroken = _continuity.Check(packet, pid);
        ReadOnlySpan<byte> payload = TsPacket.Payload(packet);
        if (pid == TsPacket.PatPid)
        {
            ReadPat(packet, payload);
            return;
        }
        if (pid == _pmtPid)
        {
            ReadPmt(packet, payload);
            return;
        }
        PidStats stats = StatsOf(pid);
        stats.TsPackets++;
        if (continuityBroken)
            stats.ContinuityErrors++;
        bool starts = TsPacket.PayloadUnitStart(packet) && payload is [0x00, 0x00, 0x01, ..];
        if (starts)
            StartPes(stats, packet, payload);
        if (stats.PesPackets > 0)
            stats.PesBytes += payload.Length;
    }

    PidStats StatsOf(int pid)
    {
        if (!_pids.TryGetValue(pid, out PidStats? stats))
            _pids[pid] = stats = new PidStats(pid);
        return stats;
    }

    static void StartPes(PidStats stats, ReadOnlySpan<byte> packet, ReadOnlySpan<byte> payload)
    {
        stats.PesPackets++;
        if (TsPacket.HasAdaptationField(packet) && packet[4] > 0 && (packet[5] & 0x40) != 0)
            stats.RandomAccessPoints++;
        if (payload.Length < 14 || (payload[7] & 0x80) == 0)
            return;
        long pts = ReadTimestamp(payload[9..14]);
        if (stats.LastPts >= 0)
        {
            long step = (pts - stats.LastPts + TimestampWrap) % TimestampWrap;
            if (step == 0 || step > TimestampWrap / 2)
            {
                stats.PtsBackwards++;
            }
            else
            {
                stats.Steps.Add(step);
                stats.FrameTicks = stats.FrameTicks == 0 ? step : Math.Min(stats.FrameTicks, step);
            }
        }
        else
        {
            stats.FirstPts = pts;
        }
        stats.LastPts = pts;
    }

    static long ReadTimestamp(ReadOnlySpan<byte> field) =>
        ((long)(field[0] >> 1) & 0x07) << 30 | (long)field[1] << 22 | (long)(field[2] >> 1) << 15 | (long)field[3] << 7 | (long)(field[4] >> 1);

    /// <summary>The section a table packet starts, if it starts one at once and its length fits the packet.</summary>
    static ReadOnlySpan<byte> Section(ReadOnlySpan<byte> packet, ReadOnlySpan<byte> payload, int tableId)
    {
        if (!TsPacket.PayloadUnitStart(packet) || payload.Length < 4 || payload[0] != 0)
            return [];
        ReadOnlySpan<byte> section = payload[1..];
        int length = 3 + (BinaryPrimitives.ReadUInt16BigEndian(section[1..]) & 0x0FFF);
        return section[0] == tableId && length >= 16 && length <= section.Length ? section[..length] : [];
    }

    void ReadPat(ReadOnlySpan<byte> packet, ReadOnlySpan<byte> payload)
    {
        ReadOnlySpan<byte> section = Section(packet, payload, 0x00);
        // The first program other than 0 (the network PID); the muxer writes one.
        for (int offset = 8; offset + 4 <= section.Length - 4; offset += 4)
        {
            if (BinaryPrimitives.ReadUInt16BigEndian(section[offset..]) != 0)
            {
                _pmtPid = BinaryPrimitives.ReadUInt16BigEndian(section[(offset + 2)..]) & 0x1FFF;
                return;
            }
        }
    }

    void ReadPmt(ReadOnlySpan<byte> packet, ReadOnlySpan<byte> payload)
    {
        ReadOnlySpan<byte> section = Section(packet, payload, Psi.PmtTableId);
        if (section.IsEmpty)
            return;
        int programInfoLength = BinaryPrimitives.ReadUInt16BigEndian(section[10..]) & 0x0FFF;
        for (int offset = 12 + programInfoLength; offset + 5 <= section.Length - 4;)
        {
            int pid = BinaryPrimitives.ReadUInt16BigEndian(section[(offset + 1)..]) & 0x1FFF;
            int infoLength = BinaryPrimitives.ReadUInt16BigEndian(section[(offset + 3)..]) & 0x0FFF;
            if (offset + 5 + infoLength > section.Length - 4)
                return;
            PidStats stats = StatsOf(pid);
            if (stats.StreamType < 0)
            {
                stats.StreamType = section[offset];
                stats.Format = RegistrationFormat(section.Slice(offset + 5, infoLength));
            }
            offset += 5 + infoLength;
        }
    }

    static string? RegistrationFormat(ReadOnlySpan<byte> descriptors)
    {
        while (descriptors.Length >= 2 && descriptors.Length >= 2 + descriptors[1])
        {
            if (descriptors[0] == Psi.RegistrationDescriptorTag && descriptors[1] >= 4)
                return string.Create(4, BinaryPrimitives.ReadUInt32BigEndian(descriptors[2..]), static (chars, id) =>
                {
                    for (int i = 0; i < 4; i++)
                        chars[i] = (char)(byte)(id >> (24 - 8 * i));
                });
            descriptors = descriptors[(2 + descriptors[1])..];
        }
        return null;
    }
}
