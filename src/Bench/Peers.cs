using System.Diagnostics;

namespace Ristbond.Bench;

/// <summary>The external programs a benchmark runs: librist's tools and ristbond itself, killed on dispose.</summary>
public sealed class Peer : IDisposable
{
    readonly Process _process;
    readonly List<string> _errors = [];

    Peer(string program, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in arguments)
            info.ArgumentList.Add(argument);
        try
        {
            _process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new Platform.RistbondException($"bench: cannot run {program}: {e.Message} (install rist-tools)", Platform.ExitCodes.RuntimeFailure, e);
        }
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_errors) _errors.Add(e.Data); };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) Output?.Invoke(e.Data); };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    public event Action<string>? Output;
    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;

    public string LastErrors
    {
        get
        {
            lock (_errors)
                return string.Join('\n', _errors.TakeLast(10));
        }
    }

    /// <summary>librist's ristreceiver listening on loopback, forwarding to a UDP port.</summary>
    public static Peer RistReceiver(int port, int outputPort, string parameters = "") =>
        new("ristreceiver", ["-p", "1", "-i", $"rist://@127.0.0.1:{port}" + (parameters.Length > 0 ? "?" + parameters : ""), "-o", $"udp://127.0.0.1:{outputPort}", "-S", "1000"]);

    /// <summary>librist's ristsender with one peer per URL (its own load balancing by weight=).</summary>
    public static Peer RistSender(string input, IEnumerable<string> outputs) =>
        new("ristsender", ["-p", "1", "-i", input, "-o", string.Join(',', outputs), "-S", "1000", "-v", "4"]);

    /// <summary>This very binary, running another ristbond command.</summary>
    public static Peer Ristbond(IEnumerable<string> arguments) =>
        new(Environment.ProcessPath ?? throw new InvalidOperationException("no process path"), arguments);

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(2000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
