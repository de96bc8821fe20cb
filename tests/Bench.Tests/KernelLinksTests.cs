using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Ristbond.Bench.Adapt;
using Ristbond.Bench.Adapt.Links.Kernel;
using Ristbond.LinkEmulator;
using Ristbond.Platform;

namespace Ristbond.Bench.Tests;

/// <summary>
/// The kernel links on this kernel (root and network namespaces needed; CI has both): each link's packets leave by
/// its own veth at its tbf rate, a rate event changes it at its time, the counters see it, and nothing is left
/// behind after.
/// </summary>
public sealed class KernelLinksTests
{
    static readonly AdaptScenario s_scenario = new()
    {
        Name = "kernel-check", Description = "two links, b steps down", Kind = AdaptKind.StepDown, DurationSeconds = 4,
        Links = [new AdaptLink("a", 2_000_000, 0), new AdaptLink("b", 4_000_000, 0)],
        Events = [AdaptScenario.RateChange(1.5, "b", 1_000_000)],
    };

    [Fact]
    public void Each_link_carries_its_own_rate_and_follows_its_events_and_nothing_is_left_behind()
    {
        Assert.True(Environment.IsPrivilegedProcess, "the kernel links need root (CI runs as root)");
        string ns;
        var forwarded = new LinkCounters[2];
        var atStep = new LinkCounters[2];
        var offered = new long[2];
        using (var links = new KernelLinks(s_scenario, 0, 6000, NullLogger.Instance))
        {
            ns = links.Receiver.Namespace!;
            Assert.Contains(ns, Run("ip", "netns list"));
            Assert.InRange(links.ChangeLatencyMs, 0, 20);
            links.Start();
            // 8 Mbit/s of 1336-byte datagrams into each link for 3 s: more than either carries.
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            byte[] datagram = new byte[1336];
            long interval = 1336 * 8 * MonotonicClock.NanosPerSecond / 8_000_000, due = MonotonicClock.NowNanos;
            bool stepSampled = false;
            while (MonotonicClock.NowNanos - links.StartedAtNanos < 3_000_000_000)
            {
                for (int i = 0; i < 2; i++)
                {
                    socket.SendTo(datagram, links.SenderTargets[i]);
                    offered[i]++;
                }
                if (!stepSampled && MonotonicClock.NowNanos - links.StartedAtNanos >= 1_500_000_000)
                {
                    links.ReadUpCounters(atStep);
                    stepSampled = true;
                }
                due += interval;
                MonotonicClock.SleepUntil(due);
            }
            long end = MonotonicClock.NowNanos;
            links.ReadUpCounters(forwarded);
            Assert.Null(links.Fault);
            double firstSeconds = 1.5, restSeconds = (end - links.StartedAtNanos) / 1e9 - 1.5;
            // IP bytes are UDP payload + 28, as tbf counts them with the size table.
            double RateBps(long bytes, long packets, double seconds) => (bytes + 28.0 * packets) * 8 / seconds;
            Assert.InRange(RateBps(atStep[1].BytesForwarded, atStep[1].PacketsForwarded, firstSeconds), 3_500_000, 4_600_000);
            Assert.InRange(RateBps(forwarded[1].BytesForwarded - atStep[1].BytesForwarded, forwarded[1].PacketsForwarded - atStep[1].PacketsForwarded, restSeconds), 700_000, 1_350_000);
            Assert.InRange(RateBps(forwarded[0].BytesForwarded, forwarded[0].PacketsForwarded, firstSeconds + restSeconds), 1_700_000, 2_300_000);
            for (int i = 0; i < 2; i++)
            {
                // Everything sent into a link is counted as offered to that link: forwarded, dropped or queued.
                Assert.InRange(forwarded[i].PacketsIn, offered[i] - 2, offered[i] + 30);
                Assert.True(forwarded[i].PacketsDroppedQueue > 0, $"link {i} dropped nothing at 8 Mbit/s");
            }
        }
        Assert.DoesNotContain(ns, Run("ip", "netns list"));
        Assert.DoesNotContain($"rb{Environment.ProcessId:x6}r", Run("ip", "link show"));
    }

    static string Run(string program, string arguments)
    {
        using Process p = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true })!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return output;
    }
}
