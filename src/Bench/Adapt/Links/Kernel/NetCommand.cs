using System.Diagnostics;
using Ristbond.Platform;

namespace Ristbond.Bench.Adapt.Links.Kernel;

/// <summary>
/// Runs ip, tc and nft once each for the kernel links' set-up and tear-down. A failure is one line naming the
/// command and what it said; tear-down uses <see cref="TryRun"/>, which never throws (it cleans up after failures).
/// </summary>
public static class NetCommand
{
    const int TimeoutMs = 10_000;

    /// <summary>Runs the command; throws a <see cref="RistbondException"/> (exit 3) with its error line if it fails.</summary>
    public static string Run(string program, IEnumerable<string> arguments, string? stdin = null)
    {
        (int code, string stdout, string stderr) = Execute(program, arguments, stdin);
        if (code != 0)
        {
            string line = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? $"exit code {code}";
            throw new RistbondException($"bench adapt --links kernel: `{program} {string.Join(' ', arguments)}` failed: {line}", ExitCodes.RuntimeFailure);
        }
        return stdout;
    }

    /// <summary>Runs the command and returns its output, or null if it failed or could not start.</summary>
    public static string? TryRun(string program, IEnumerable<string> arguments, string? stdin = null)
    {
        try
        {
            (int code, string stdout, _) = Execute(program, arguments, stdin);
            return code == 0 ? stdout : null;
        }
        catch (RistbondException)
        {
            return null;
        }
    }

    static (int Code, string Stdout, string Stderr) Execute(string program, IEnumerable<string> arguments, string? stdin)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin is not null, UseShellExecute = false,
        };
        foreach (string argument in arguments)
            info.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new RistbondException($"bench adapt --links kernel: cannot run {program}", ExitCodes.RuntimeFailure);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new RistbondException($"bench adapt --links kernel: cannot run {program}: {e.Message} (install iproute2 and nftables)", ExitCodes.RuntimeFailure, e);
        }
        using (process)
        {
            Task<string> stdout = process.StandardOutput.ReadToEndAsync(), stderr = process.StandardError.ReadToEndAsync();
            if (stdin is not null)
            {
                process.StandardInput.Write(stdin);
                process.StandardInput.Close();
            }
            if (!process.WaitForExit(TimeoutMs))
            {
                process.Kill(entireProcessTree: true);
                return (-1, "", $"no answer within {TimeoutMs / 1000} s");
            }
            return (process.ExitCode, stdout.Result, stderr.Result);
        }
    }
}
