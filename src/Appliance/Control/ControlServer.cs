using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Ristbond.Platform;

namespace Ristbond.Appliance.Control;

/// <summary>
/// A Unix stream socket taking <see cref="ControlCommands"/>, one client at a time, on its own thread. The socket
/// file is created mode 0660 (owner and group only) and removed on dispose; a stale file from a crashed run is
/// replaced, a live one (another ristbond) is refused.
/// </summary>
public sealed class ControlServer : IDisposable
{
    readonly string _path;
    readonly Socket _listener;
    readonly IControlTarget _target;
    readonly ILogger _log;
    readonly Thread _thread;
    volatile bool _stopping;

    public ControlServer(string path, IControlTarget target, ILogger log)
    {
        _path = path;
        _target = target;
        _log = log;
        RemoveStaleSocket(path);
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            _listener.Bind(new UnixDomainSocketEndPoint(path));
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
            _listener.Listen(4);
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException)
        {
            _listener.Dispose();
            throw new RistbondException($"--control {path}: cannot listen: {e.Message}", ExitCodes.RuntimeFailure, e);
        }
        _thread = new Thread(Serve) { Name = "control", IsBackground = true };
        _thread.Start();
    }

    void Serve()
    {
        while (!_stopping)
        {
            Socket client;
            try
            {
                client = _listener.Accept();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                if (!_stopping)
                    _log.LogError("control socket {Path}: {Error}", _path, e.Message);
                return;
            }
            using (client)
            using (var stream = new NetworkStream(client))
            using (var reader = new StreamReader(stream, Encoding.UTF8))
            using (var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" })
            {
                try
                {
                    while (reader.ReadLine() is string line)
                        writer.WriteLine(ControlCommands.Execute(line, _target));
                }
                catch (IOException)
                {
                    // The client went away mid-line: nothing to answer.
                }
            }
        }
    }

    static void RemoveStaleSocket(string path)
    {
        if (!File.Exists(path))
            return;
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException)
        {
            File.Delete(path);
            return;
        }
        throw new RistbondException($"--control {path}: another process is listening there", ExitCodes.RuntimeFailure);
    }

    public void Dispose()
    {
        _stopping = true;
        _listener.Dispose();
        _thread.Join(TimeSpan.FromSeconds(1));
        try
        {
            File.Delete(_path);
        }
        catch (IOException)
        {
        }
    }
}
