using System.Net.Sockets;
using System.Text;
using Ristbond.Appliance.Logging;
using Ristbond.Appliance.Service;

namespace Ristbond.Appliance.Tests;

/// <summary>
/// sd_notify's wire form, received on a real Unix datagram socket the test binds (as systemd would), at a path and
/// in the abstract namespace. The whole service under a notify socket is EndToEnd.Tests' ServiceTests.
/// </summary>
public sealed class SystemdNotifierTests
{
    static (Socket Socket, string Address) Listen(bool @abstract)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        string name = $"ristbond-notify-{Guid.NewGuid():N}";
        string address = @abstract ? "@" + name : Path.Combine(Path.GetTempPath(), name);
        socket.Bind(new UnixDomainSocketEndPoint(@abstract ? "\0" + name : address));
        socket.ReceiveTimeout = 5000;
        return (socket, address);
    }

    static string Receive(Socket socket)
    {
        var buffer = new byte[4096];
        int length = socket.Receive(buffer);
        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Notifications_arrive_as_one_datagram_each(bool @abstract)
    {
        var (socket, address) = Listen(@abstract);
        using (socket)
        using (SystemdNotifier notifier = SystemdNotifier.Create(address, 0))
        {
            Assert.True(notifier.Enabled);
            notifier.Ready("streaming");
            notifier.Status("streaming 6 Mbps over 3 of 3 link(s)");
            notifier.Stopping();
            Assert.Equal("READY=1\nSTATUS=streaming", Receive(socket));
            Assert.Equal("STATUS=streaming 6 Mbps over 3 of 3 link(s)", Receive(socket));
            Assert.StartsWith("STOPPING=1\n", Receive(socket), StringComparison.Ordinal);
            Assert.Equal(0, notifier.Failures);
        }
        if (!@abstract)
            File.Delete(address);
    }

    [Fact]
    public void The_watchdog_is_pinged_at_half_its_interval_of_the_callers_time()
    {
        var (socket, address) = Listen(true);
        using (socket)
        using (SystemdNotifier notifier = SystemdNotifier.Create(address, 2_000_000_000))
        {
            // Simulated time: ticks every 100 ms for 3 s; pings at 0 (first tick), 1 s, 2 s, 3 s.
            const long start = 5_000_000_000;
            for (long t = start; t <= start + 3_000_000_000; t += 100_000_000)
                notifier.WatchdogTick(t);
            socket.ReceiveTimeout = 200;
            var received = new List<string>();
            try
            {
                while (true)
                    received.Add(Receive(socket));
            }
            catch (SocketException)
            {
            }
            Assert.Equal(["WATCHDOG=1", "WATCHDOG=1", "WATCHDOG=1", "WATCHDOG=1"], received);
        }
    }

    [Fact]
    public void Without_a_socket_or_watchdog_nothing_is_sent()
    {
        using SystemdNotifier notifier = SystemdNotifier.Create(null, 0);
        Assert.False(notifier.Enabled);
        notifier.Ready("x");
        notifier.WatchdogTick(10_000_000_000);
        Assert.Equal(0, notifier.Failures);
    }

    [Fact]
    public void A_socket_that_went_away_is_counted_not_thrown()
    {
        using SystemdNotifier notifier = SystemdNotifier.Create("/nonexistent/notify", 0);
        notifier.Status("x");
        Assert.Equal(1, notifier.Failures);
    }

    [Theory]
    [InlineData("8:12345", "socket:[12345]", true)]
    [InlineData("8:12345", "socket:[99999]", false)] // inherited from a service by a program with another stderr
    [InlineData("8:12345", null, true)]
    [InlineData(null, "socket:[12345]", false)]
    public void Journal_prefixes_only_when_stderr_is_the_journal_stream(string? journalStream, string? stderr, bool journal) =>
        Assert.Equal(journal, LineLoggerProvider.StderrIsJournal(journalStream, stderr));

    [Fact]
    public void Journal_lines_carry_the_syslog_priority_and_no_time()
    {
        var output = new StringWriter();
        using (var loggers = LineLoggerProvider.CreateFactory(Microsoft.Extensions.Logging.LogLevel.Debug, output, journal: true))
        {
            Microsoft.Extensions.Logging.ILogger log = loggers.CreateLogger("ristbond");
            Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(log, "link {Link}: degraded", "lte1");
            Microsoft.Extensions.Logging.LoggerExtensions.LogInformation(log, "link {Link}: live", "lte1");
        }
        Assert.Equal("<4>link lte1: degraded\n<6>link lte1: live\n", output.ToString().Replace("\r", "", StringComparison.Ordinal));
    }
}
