using System.Collections.Concurrent;
using System.Diagnostics;

namespace Ristbond.EndToEnd.Tests.Harness;

/// <summary>A program under test or a peer: its output lines collected, killed (with its group) on dispose.</summary>
public sealed partial class ChildProcess : IDisposable
{
    readonly Process _process;
    readonly ConcurrentQueue<string> _stdout = new();
    readonly ConcurrentQueue<string> _stderr = new();

    public ChildProcess(string fileName, IEnumerable<string> arguments, IDictionary<string, string>? environment = null, bool redirectStdin = false)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectStdin,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
            info.ArgumentList.Add(argument);
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
                info.Environment[key] = value;
        }
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) { _stdout.Enqueue(e.Data); StdoutLine?.Invoke(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { _stderr.Enqueue(e.Data); StderrLine?.Invoke(e.Data); } };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        CommandLine = fileName + " " + string.Join(' ', arguments);
    }

    public string CommandLine { get; }
    public int Id => _process.Id;
    public event Action<string>? StdoutLine;
    public event Action<string>? StderrLine;
    public IReadOnlyList<string> Stdout => [.. _stdout];
    public IReadOnlyList<string> Stderr => [.. _stderr];
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;
    public StreamWriter StandardInput => _process.StandardInput;

    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
            return false;
        _process.WaitForExit(); // drains the asynchronous readers
        return true;
    }

    /// <summary>SIGINT, as Ctrl-C would send.</summary>
    public void Interrupt() => Signal(2);

    public void Terminate() => Signal(15);

    /// <summary>SIGHUP, as systemctl reload sends it to ristbond run.</summary>
    public void Hangup() => Signal(1);

    void Signal(int signal)
    {
        if (!_process.HasExited)
            _ = Libc.Kill(_process.Id, signal);
    }

    /// <summary>Everything it printed, for failure messages.</summary>
    public string Transcript() =>
        $"$ {CommandLine}\n--- stdout ---\n{string.Join('\n', _stdout.TakeLast(40))}\n--- stderr ---\n{string.Join('\n', _stderr.TakeLast(60))}";

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

    static partial class Libc
    {
        [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "kill")]
        internal static partial int Kill(int pid, int signal);
    }
}
