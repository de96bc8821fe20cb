using System.Diagnostics;
using Ristbond.Platform;

namespace Ristbond.Bench;

/// <summary>
/// A program a benchmark runs (librist's tools, ristbond itself), with every stdout and stderr line handed to the
/// caller as it arrives (ristreceiver writes its stats to stderr) and the exit code kept, so a run that broke is
/// told from one that ended. Killed with its children on dispose.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    const int KeptErrorLines = 20;

    readonly Process _process;
    readonly Queue<string> _lastErrors = new();
    readonly Lock _lock = new();

    /// <param name="stdoutLine">Called on a thread-pool thread for each stdout line.</param>
    /// <param name="stderrLine">Called for each stderr line (the last ones are also kept for <see cref="LastErrors"/>).</param>
    public ChildProcess(string name, string program, IEnumerable<string> arguments, Action<string>? stdoutLine = null, Action<string>? stderrLine = null)
    {
        Name = name;
        var info = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in arguments)
            info.ArgumentList.Add(argument);
        CommandLine = program + " " + string.Join(' ', info.ArgumentList);
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                stdoutLine?.Invoke(e.Data);
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            lock (_lock)
            {
                _lastErrors.Enqueue(e.Data);
                if (_lastErrors.Count > KeptErrorLines)
                    _lastErrors.Dequeue();
            }
            stderrLine?.Invoke(e.Data);
        };
        try
        {
            _process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            _process.Dispose();
            throw new RistbondException($"bench: cannot run {program}: {e.Message}", ExitCodes.RuntimeFailure, e);
        }
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>librist's ristreceiver (<see cref="LibristTools"/>) listening on loopback, forwarding to a UDP port.</summary>
    public static ChildProcess RistReceiver(int port, int outputPort, string parameters = "") =>
        new("ristreceiver", LibristTools.PathOf("ristreceiver"), ["-p", "1", "-i", $"rist://@127.0.0.1:{port}" + (parameters.Length > 0 ? "?" + parameters : ""), "-o", $"udp://127.0.0.1:{outputPort}", "-S", "1000"]);

    /// <summary>librist's ristsender (<see cref="LibristTools"/>) with one peer per URL (its own load balancing by weight=).</summary>
    public static ChildProcess RistSender(string input, string outputs) =>
        new("ristsender", LibristTools.PathOf("ristsender"), ["-p", "1", "-i", input, "-o", outputs, "-S", "1000", "-v", "4"]);

    /// <summary>This very binary running another ristbond command (the sender under test).</summary>
    public static ChildProcess Ristbond(IEnumerable<string> arguments, Action<string>? stdoutLine = null, Action<string>? stderrLine = null) =>
        new("ristbond", Environment.ProcessPath ?? throw new InvalidOperationException("no process path"), arguments, stdoutLine, stderrLine);

    /// <summary>How the process is called in messages: "ristbond", "ristreceiver (baseline)".</summary>
    public string Name { get; }
    public string CommandLine { get; }
    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    public string LastErrors
    {
        get
        {
            lock (_lock)
                return string.Join('\n', _lastErrors);
        }
    }

    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    /// <summary>"ristbond exited with code 3: …last stderr lines…", for a run that broke.</summary>
    public string DescribeExit() => $"{Name} exited with code {(HasExited ? _process.ExitCode : -1)}: {LastErrors}";

    /// <summary>Kills the process and its children (SIGKILL) and waits for it; it stays readable (exit code, errors).</summary>
    public void Kill()
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
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
