namespace Ristbond.Bonding;

/// <summary>
/// The receiver answers every keepalive on the link it came by (100 a second with ristbond's default): the share
/// answered over the last 0.35 s is the link's round-trip delivery ratio, whose shortfall against a sound link's
/// is its loss (judged in <see cref="LossAttribution"/>). Two corrections keep a queue from reading as loss: the
/// answers counted over the window left a round trip earlier, so while the RTT grows fewer were sent in that span
/// (and more while it shrinks), and while the RTT rises fast the correction is guesswork, so the link is not measured then;
/// and the receiver's NACKs arrive on one link and are counted with its answers: they are taken out by an estimate,
/// and while that link retransmits much it is not measured. A link not measured keeps its last reading for a while.
/// </summary>
public sealed class AnswerMeter
{
    /// <summary>0.35 s of reports: shorter and single reports' noise shows (librist's report intervals stretch when its thread is busy); longer and 5% loss shows late.</summary>
    const long WindowNanos = 350_000_000;
    /// <summary>The window in seconds: how many answers a reading counts, at the link's keepalive rate.</summary>
    public const double WindowSeconds = WindowNanos / 1e9;
    /// <summary>After a retransmission the NACKs that caused it are still in the answer counts for a window and a report.</summary>
    const long NackSettleNanos = WindowNanos + 200_000_000;

    readonly CounterWindow _answers = new(WindowNanos);
    readonly CounterWindow _recentAnswers = new(RecentWindowNanos);
    readonly CounterWindow _retransmissions = new(WindowNanos);
    readonly CounterWindow _rttMicros = new(WindowNanos);
    /// <summary>
    /// An RTT rising faster than this (s/s) holds back so many answers that the correction is guesswork: a queue
    /// building at 0.2 s/s read as 15% loss on a link that lost nothing. The last steady reading stands in meanwhile.
    /// (A falling RTT bunches answers: it can only hide loss for a moment, not invent it.)
    /// </summary>
    const double MaxRttRise = 0.15;
    /// <summary>The span of <see cref="RecentRatio"/>: two of librist's reports.</summary>
    const long RecentWindowNanos = 150_000_000;
    /// <summary>NACK packets counted among the answers per packet the link retransmitted (librist batches a few per NACK).</summary>
    const double NacksPerRetransmission = 0.5;
    /// <summary>Retransmissions per keepalive above which the answers cannot be told from the NACKs.</summary>
    const double MaxMeasuredRetransmissions = 0.3;
    /// <summary>Answers per keepalive above this are not answers alone (NACKs arrived with them).</summary>
    const double MaxRatio = 1.15;
    /// <summary>How long a reading taken before the link began to retransmit, or its RTT to race, still counts.</summary>
    const long HoldNanos = 2_000_000_000;

    long _retransmittedAtNanos = long.MinValue / 2;
    long _measuredAtNanos = long.MinValue / 2;

    /// <summary>Answers per keepalive over the window (0 while not measured; the last reading while the link retransmits, for a while).</summary>
    public double Ratio { get; private set; }
    /// <summary>
    /// Answers per keepalive over the last two reports, uncorrected, as they come: while a link is overloaded its
    /// bottleneck serves our keepalives among our data, so they come back at the rate it carries of what it is sent
    /// (and tail drop loses some): a reading of that ratio that does not wait for a queue's course, which the RTT
    /// shows late and thinly once answers are held up. 0 until measured.
    /// </summary>
    public double RecentRatio { get; private set; }
    /// <summary>The best ratio this link has shown, fading slowly: its reference when it is the only link.</summary>
    public double Peak { get; private set; }

    /// <param name="receivedPackets">RTCP packets received on the link since it was added (answers and NACKs).</param>
    /// <param name="retransmittedPackets">Packets the link retransmitted since it was added (it is the NACK link when they grow).</param>
    public void Add(long nowNanos, long reportNanos, long receivedPackets, double rttMs, double keepalivesPerSecond, double reportSeconds, long retransmittedPackets)
    {
        _answers.Add(reportNanos, receivedPackets);
        _retransmissions.Add(reportNanos, retransmittedPackets);
        // The NACKs that asked for a few retransmissions are a few RTCP packets among the answers: taken out at one per
        // two retransmissions (librist's receiver asks for several sequence numbers in one when losses bunch), the
        // link stays measured, and a link that loses while it is the NACK link shows it. Many retransmissions (another
        // link's burst) leave too few answers to tell: then it is not measured.
        double retransmitted = _retransmissions.TryRate(out double r) ? r : 0;
        if (retransmitted > MaxMeasuredRetransmissions * keepalivesPerSecond)
            _retransmittedAtNanos = nowNanos;
        _recentAnswers.Add(reportNanos, receivedPackets);
        RecentRatio = _recentAnswers.TryRate(out double recent) ? recent / keepalivesPerSecond : 0;
        if (rttMs > 0)
            _rttMicros.Add(reportNanos, (long)(rttMs * 1000));
        else
            _rttMicros.Clear(); // librist's RTT before its first sample
        bool rttSteady = !_rttMicros.TryRate(out double rttChange) || rttChange / 1e6 <= MaxRttRise;
        if (nowNanos - _retransmittedAtNanos < NackSettleNanos || !rttSteady)
        {
            // The last clean reading stands in for a while: a link that loses and is also the NACK link would
            // otherwise hide its loss exactly while it matters.
            if (nowNanos - _measuredAtNanos > HoldNanos)
                Ratio = 0;
        }
        else if (_answers.TryRate(out double answersPerSecond))
        {
            double sentPerAnswerSecond = _rttMicros.TryRate(out double rttMicrosPerSecond) ? Math.Clamp(1 - rttMicrosPerSecond / 1e6, 0.8, 1.25) : 1;
            double ratio = Math.Max(0, answersPerSecond - NacksPerRetransmission * retransmitted) / (keepalivesPerSecond * sentPerAnswerSecond);
            // More answers than keepalives are NACKs or other RTCP counted with them: not a reading of the link.
            if (ratio <= MaxRatio)
            {
                // Above 1 is answers bunching as a queue drains: no loss, and no more than that; taken as more, it raised
                // the expected ratio the links are judged by and made a sound link look 5% short.
                Ratio = Math.Min(1, ratio);
                _measuredAtNanos = nowNanos;
            }
            else if (nowNanos - _measuredAtNanos > HoldNanos)
                Ratio = 0;
            Peak = Math.Max(Peak * (1 - 0.002 * reportSeconds), Ratio);
        }
    }

    /// <summary>The link went silent or came back: what was counted before says nothing about now.</summary>
    public void Reset()
    {
        Ratio = RecentRatio = 0;
        _answers.Clear();
        _recentAnswers.Clear();
        _retransmissions.Clear();
        _rttMicros.Clear();
    }

    /// <summary>Round-trip loss against <paramref name="expectedRatio"/> (what a sound link answers); 0 when either is unknown.</summary>
    public double Deficit(double expectedRatio) =>
        expectedRatio > 0 && Ratio > 0 ? Math.Max(0, 1 - Ratio / expectedRatio) : 0;
}
