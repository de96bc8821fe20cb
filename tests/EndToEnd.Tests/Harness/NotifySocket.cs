using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Ristbond.EndToEnd.Tests.Harness;

/// <summary>
/// What systemd is for a Type=notify service: a Unix datagram socket (here in the abstract namespace) whose name goes
/// to the service in NOTIFY_SOCKET. Every datagram is kept with the time it came.
/// </summary>
public sealed class NotifySocket : IDisposable
{
    readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    readonly ConcurrentQueue<(TimeSpan At, string Message)> _messages = new();
    readonly Stopwatch _clock = Stopwatch.StartNew();
    readonly Thread _thread;
    volatile bool _stopping;

    public NotifySocket()
    {
        string name = $"ristbond-e2e-notify-{Guid.NewGuid():N}";
        Address = "@" + name;
        _socket.Bind(new UnixDomainSocketEndPoint("\0" + name));
        _socket.ReceiveTimeout = 200;
        _thread = new Thread(Receive) { IsBackground = true, Name = "notify-socket" };
        _thread.Start();
    }

    /// <summary>The value for NOTIFY_SOCKET.</summary>
    public string Address { get; }

    /// <summary>Time since this socket was made (the tests' clock for notifications).</summary>
    public TimeSpan Now => _clock.Elapsed;

    public IReadOnlyList<(TimeSpan At, string Message)> Messages => [.. _messages];

    /// <summary>Messages holding the line <paramref name="line"/> (e.g. "READY=1").</summary>
    public IReadOnlyList<(TimeSpan At, string Message)> With(string line) =>
        [.. _messages.Where(m => m.Message.Split('\n').Contains(line))];

    /// <summary>Waits until a message with <paramref name="line"/> arrives after <paramref name="after"/>.</summary>
    public bool WaitFor(string line, TimeSpan timeout, TimeSpan? after = null)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (With(line).Any(m => m.At >= (after ?? TimeSpan.Zero)))
                return true;
            Thread.Sleep(20);
        }
        return false;
    }

    public string Transcript() => string.Join('\n', _messages.Select(m => $"{m.At.TotalSeconds:0.000} {m.Message.Replace('\n', ' ')}"));

    void Receive()
    {
        var buffer = new byte[4096];
        while (!_stopping)
        {
            try
            {
                int length = _socket.Receive(buffer);
                _messages.Enqueue((_clock.Elapsed, Encoding.UTF8.GetString(buffer, 0, length)));
            }
            catch (SocketException)
            {
                // receive timeout: look at _stopping again
            }
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _thread.Join();
        _socket.Dispose();
    }
}
