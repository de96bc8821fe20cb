using System.Globalization;
using System.Text;
using Ristbond.Platform;

namespace Ristbond.Appliance.Status;

/// <summary>A live per-link table on the terminal (<c>--table</c>), redrawn in place each second on stdout.</summary>
public sealed class StatsTable
{
    readonly TextWriter _output;

    public StatsTable(TextWriter? output = null) => _output = output ?? Console.Out;

    public void Render(StatsReport report)
    {
        var text = new StringBuilder();
        text.Append("\u001b[H\u001b[J"); // home, clear to end
        text.Append(CultureInfo.InvariantCulture, $"ristbond  t={report.T,7:0.0}s   input {Units.FormatBitrate(report.Totals.InputBps),-11} sent {Units.FormatBitrate(report.Totals.SentBps),-11} retransmit {Units.FormatBitrate(report.Totals.RetransmitBps),-11} links {report.Totals.LinksLive}/{report.Totals.Links} live\n");
        text.Append(CultureInfo.InvariantCulture, $"          bitrate {Units.FormatBitrate(report.BitrateBps),-11} recommended {Units.FormatBitrate(report.RecommendedBitrateBps)}\n\n");
        text.Append(CultureInfo.InvariantCulture, $"{"LINK",-10} {"STATE",-11} {"RTT ms",7} {"LOSS %",7} {"CAPACITY",12} {"HEALTH",6} {"SENT",12} {"RETRANSMIT",12} {"WEIGHT",7}  SHARE\n");
        long total = Math.Max(1, report.Totals.SentBps);
        foreach (LinkReport link in report.Links)
        {
            double share = (double)link.SentBps / total;
            string bar = new string('#', (int)Math.Round(share * 20));
            text.Append(CultureInfo.InvariantCulture,
                $"{link.Name,-10} {link.State,-11} {link.RttMs,7:0.0} {link.Loss * 100,7:0.00} {Units.FormatBitrate(link.CapacityBps),12} {link.Health,6:0.00} {Units.FormatBitrate(link.SentBps),12} {Units.FormatBitrate(link.RetransmitBps),12} {link.Weight,7}  {bar}\n");
        }
        text.Append(CultureInfo.InvariantCulture, $"\ndatagrams {report.Totals.Datagrams}   input packets {report.Totals.InputPackets}   sync errors {report.Totals.SyncErrors}   write errors {report.Totals.WriteErrors}\n");
        _output.Write(text.ToString());
        _output.Flush();
    }
}
