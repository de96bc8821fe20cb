using System.Net;
using System.Text.Json;
using Ristbond.LinkEmulator;

namespace Ristbond.EndToEnd.Tests.Harness;

/// <summary>
/// A whole bonded path on one machine: ristbond → N emulated cellular links → ristreceiver → a UDP port where the
/// test stream is checked packet by packet.
/// </summary>
public sealed class BondedSetup : IDisposable
{
    public RistReceiver Receiver { get; }
    public TsCapture Capture { get; }
    public IReadOnlyList<EmulatedLink> Links { get; }
    public RistbondProcess Sender { get; private set; } = null!;
    public int ReceiverPort { get; }

    /// <summary>
    /// The receiver's reorder window as README's "Receiver settings that matter" asks for links up to 50 ms apart:
    /// librist 0.2.11 ignores reorder-buffer and NACKs after half of rtt-min (default 5 ms), so with its defaults the
    /// lowest-RTT link carried a retransmission for most packets of the others.
    /// </summary>
    public const string ReorderWindow = "reorder-buffer=150&rtt-min=300";

    /// <param name="receiverParameters">More of the receiver's URL parameters, after <see cref="ReorderWindow"/>.</param>
    public BondedSetup(IReadOnlyList<(string Name, DirectionProfile Up, DirectionProfile Down)> links, string receiverParameters = "", ulong seed = 1)
    {
        ReceiverPort = Ports.FreeUdp();
        Capture = new TsCapture(Ports.FreeUdp());
        Receiver = new RistReceiver(ReceiverPort, Capture.Port, receiverParameters.Length > 0 ? $"{ReorderWindow}&{receiverParameters}" : ReorderWindow);
        Links = [.. links.Select(l => AddEmulatedLink(l.Name, l.Up, l.Down, seed))];
    }

    /// <summary>Another emulated link toward the same receiver (for links added while streaming).</summary>
    public EmulatedLink AddEmulatedLink(string name, DirectionProfile up, DirectionProfile down, ulong seed = 1)
    {
        var link = new EmulatedLink(name, new IPEndPoint(IPAddress.Loopback, 0), new IPEndPoint(IPAddress.Loopback, ReceiverPort), up, down, seed);
        link.Start();
        return link;
    }

    /// <summary>The rist:// URL that sends through an emulated link.</summary>
    public static string UrlThrough(EmulatedLink link, string parameters = "") =>
        $"rist://127.0.0.1:{link.ListenEndPoint.Port}?name={link.Name}" + (parameters.Length > 0 ? "&" + parameters : "");

    /// <summary>
    /// Starts ristbond over the links. The bitrate is pinned (min = max): these tests check that every packet arrives,
    /// not how the rate adapts, which the bench measures.
    /// </summary>
    public RistbondProcess Start(string input = "testsrc", string bitrate = "4M", string linkParameters = "", params string[] extra)
    {
        string[] arguments = ["send", "-i", input, "--bitrate", bitrate, "--min-bitrate", bitrate, "--max-bitrate", bitrate,
            "-o", string.Join(',', Links.Select(l => UrlThrough(l, linkParameters))), .. extra];
        Sender = new RistbondProcess(arguments);
        return Sender;
    }

    /// <summary>Starts ristbond with exactly these arguments (its stats stream and control socket are added).</summary>
    public RistbondProcess Start(IEnumerable<string> arguments, IDictionary<string, string>? environment, IReadOnlyList<string>? launcher = null)
    {
        Sender = new RistbondProcess(arguments, environment, launcher);
        return Sender;
    }

    public void WaitForLive(int links, TimeSpan? timeout = null) =>
        Assert.True(Sender.WaitForStats(s => RistbondProcess.LiveLinks(s) >= links, timeout ?? TimeSpan.FromSeconds(10)),
            $"{links} link(s) never went live\n{Sender.Transcript()}\n{Receiver.Transcript()}");

    /// <summary>Stops ristbond as Ctrl-C would (it drains, then exits 0) and gives the receiver time to deliver its buffer.</summary>
    public void Stop()
    {
        Sender.Process.Interrupt();
        Assert.True(Sender.Process.WaitForExit(TimeSpan.FromSeconds(5)), "ristbond did not stop within 5 s of SIGINT\n" + Sender.Transcript());
        Assert.True(Sender.Process.ExitCode == 0, $"ristbond exited {Sender.Process.ExitCode}\n{Sender.Transcript()}");
        Thread.Sleep(1500);
    }

    /// <summary>What a studio needs: every packet between the first and the last, intact, in order, and the receiver lost none.</summary>
    /// <param name="toleratedLostDatagrams">Datagrams (7 TS packets each) the receiver may give up on: 0 unless the
    /// test makes quick link hand-overs, where a librist 0.2.11 receiver can lose one (see README, librist versions).</param>
    public void AssertNothingLost(long minimumDataPackets, int toleratedLostDatagrams = 0)
    {
        string context = $"{Capture.Summary()}\nreceiver lost={Receiver.Lost} recovered={Receiver.Recovered} received={Receiver.Received}\n{Sender.Transcript()}";
        int toleratedPackets = 7 * toleratedLostDatagrams;
        Capture.Read(v =>
        {
            Assert.True(v.DataPackets >= minimumDataPackets, $"only {v.DataPackets} data packets arrived (expected ≥ {minimumDataPackets})\n{context}");
            Assert.True(v.Missing <= toleratedPackets, $"{v.Missing} packets missing at the receiver (tolerated: {toleratedPackets})\n{context}");
            Assert.True(v.Corrupt == 0, $"{v.Corrupt} corrupt packets\n{context}");
            Assert.True(v.OutOfOrder == 0, $"{v.OutOfOrder} packets out of order or duplicated\n{context}");
            Assert.True(v.ContinuityErrors <= toleratedPackets, $"{v.ContinuityErrors} continuity errors (tolerated: {toleratedPackets})\n{context}");
            Assert.True(v.SyncErrors == 0, $"{v.SyncErrors} sync errors\n{context}");
            return 0;
        });
        Assert.True(Receiver.Lost <= toleratedLostDatagrams, $"ristreceiver reports {Receiver.Lost} lost (tolerated: {toleratedLostDatagrams})\n{context}");
    }

    public static long Number(JsonElement e, string property) => e.GetProperty(property).GetInt64();

    public void Dispose()
    {
        Sender?.Dispose();
        foreach (EmulatedLink link in Links)
            link.Dispose();
        Receiver.Dispose();
        Capture.Dispose();
    }
}
