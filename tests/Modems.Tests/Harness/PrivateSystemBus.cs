using System.Diagnostics;

namespace Ristbond.Modems.Tests.Harness;

/// <summary>
/// A real dbus-daemon with a minimal system-bus configuration in a temporary directory: what the code under test
/// connects to instead of /run/dbus/system_bus_socket. Killed and removed on dispose.
/// </summary>
public sealed class PrivateSystemBus : IDisposable
{
    readonly Process _daemon;

    PrivateSystemBus(string directory, Process daemon, string address)
    {
        Directory = directory;
        _daemon = daemon;
        Address = address;
    }

    /// <summary>"unix:path=/tmp/…/system_bus_socket,guid=…", as dbus-daemon --print-address says it.</summary>
    public string Address { get; }

    public string Directory { get; }

    /// <summary>Starts a bus; with <paramref name="socketPath"/> it listens there (for "the bus appears later" tests).</summary>
    public static PrivateSystemBus Start(string? directory = null, string? socketPath = null)
    {
        directory ??= CreateTempDirectory();
        socketPath ??= Path.Combine(directory, "system_bus_socket");
        string config = Path.Combine(directory, "system-bus.conf");
        // type=system like the real one; the policy lets anyone own and call anything (the real one restricts
        // org.freedesktop.ModemManager1 to root, and this test runs as whoever runs it).
        File.WriteAllText(config, $"""
            <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
             "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
            <busconfig>
              <type>system</type>
              <listen>unix:path={socketPath}</listen>
              <auth>EXTERNAL</auth>
              <policy context="default">
                <allow user="*"/>
                <allow own="*"/>
                <allow send_type="method_call"/>
                <allow send_type="signal"/>
                <allow send_type="method_return"/>
                <allow send_type="error"/>
                <allow receive_type="method_call"/>
                <allow receive_type="signal"/>
                <allow receive_type="method_return"/>
                <allow receive_type="error"/>
              </policy>
            </busconfig>
            """);
        var start = new ProcessStartInfo("dbus-daemon", ["--config-file=" + config, "--print-address", "--nofork"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process daemon = Process.Start(start) ?? throw new InvalidOperationException("could not start dbus-daemon");
        daemon.ErrorDataReceived += (_, _) => { }; // "Failed to set fd limit" and the like: not interesting
        daemon.BeginErrorReadLine();
        Task<string?> line = daemon.StandardOutput.ReadLineAsync();
        if (!line.Wait(TimeSpan.FromSeconds(10)) || string.IsNullOrEmpty(line.Result))
        {
            daemon.Kill();
            throw new InvalidOperationException("dbus-daemon did not print its address");
        }
        return new PrivateSystemBus(directory, daemon, line.Result.Trim());
    }

    public static string CreateTempDirectory()
    {
        string directory = Path.Combine(Path.GetTempPath(), "ristbond-modems-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        return directory;
    }

    public void Dispose()
    {
        try
        {
            if (!_daemon.HasExited)
            {
                _daemon.Kill();
                _daemon.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _daemon.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
