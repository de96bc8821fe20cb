using System.Diagnostics;
using Ristbond.Platform;

namespace Ristbond.Bench.Adapt.Links.Kernel;

/// <summary>
/// One long-running command interpreter fed through stdin: <c>tc -batch -</c> for rate changes and statistics,
/// <c>nft -i</c> for loss rules. A change lands as soon as the line is read (under a millisecond, where spawning a
/// tc or nft per change takes 3–30 ms), and statistics come back as one JSON line per command without a process
/// per sample. Errors it prints on stderr are kept and reported as the links' fault.
/// </summary>
public sealed class LineShell : IDisposable
{
    readonly Process _process;
    readonly Lock _lock = new();
    volatile string? _error;

    public LineShell(string name, string program, IEnumerable<string> arguments)
    {
        Name = name;
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (string argument in arguments)
            info.ArgumentList.Add(argument);
        try
        {
            _process = Process.Start(info) ?? throw new RistbondException($"bench adapt --links kernel: cannot run {program}", ExitCodes.RuntimeFailure);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new RistbondException($"bench adapt --links kernel: cannot run {program}: {e.Message}", ExitCodes.RuntimeFailure, e);
        }
        _process.StandardInput.AutoFlush = true;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (!string.IsNullOrWhiteSpace(e.Data))
                _error ??= e.Data.Trim();
        };
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    /// <summary>The first error line the interpreter printed, or why it is gone; null while all is well.</summary>
    public string? Error => _error ?? (_process.HasExited ? $"{Name} exited with code {_process.ExitCode}" : null);

    /// <summary>Hands the interpreter commands that print nothing when they succeed.</summary>
    public void Send(string commands)
    {
        lock (_lock)
            _process.StandardInput.Write(commands.EndsWith('\n') ? commands : commands + "\n");
    }

    /// <summary>One command that answers with exactly one line (tc's JSON output); null if the interpreter is gone.</summary>
    public string? Ask(string command)
    {
        lock (_lock)
        {
            _process.StandardInput.Write(command + "\n");
            return _process.StandardOutput.ReadLine();
        }
    }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(1000))
                _process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
