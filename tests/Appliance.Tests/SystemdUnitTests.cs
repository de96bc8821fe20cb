using System.Diagnostics;

namespace Ristbond.Appliance.Tests;

/// <summary>
/// packaging/systemd/ristbond.service through systemd's own checker, <c>systemd-analyze verify</c> (Debian's
/// systemd package; build.sh installs it). verify insists that ExecStart's program exists, so the copy checked here
/// runs this build's ristbond instead of /usr/bin/ristbond; every other line is checked as written.
/// </summary>
public sealed class SystemdUnitTests
{
    static readonly string s_unit = Path.Combine(RepositoryRoot(), "packaging", "systemd", "ristbond.service");

    [Fact]
    public void The_unit_file_passes_systemd_analyze_verify_without_a_word()
    {
        var (code, output) = Verify(File.ReadAllText(s_unit));
        Assert.True(code == 0 && output.Length == 0, $"systemd-analyze verify: exit {code}\n{output}");
    }

    [Fact]
    public void The_unit_file_is_a_notify_service_with_a_watchdog_reload_and_hardening()
    {
        string[] lines = File.ReadAllLines(s_unit);
        foreach (string expected in (string[])["Type=notify", "NotifyAccess=main", "ExecReload=/bin/kill -HUP $MAINPID", "Restart=on-failure",
            "NoNewPrivileges=yes", "ProtectSystem=strict", "User=ristbond", "CapabilityBoundingSet=",
            "ExecStart=/usr/bin/ristbond run --config /etc/ristbond/ristbond.json"])
            Assert.Contains(expected, lines);
        Assert.Contains(lines, l => l.StartsWith("WatchdogSec=", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Type=notify", "Type=notiffy", "Failed to parse service type")]
    [InlineData("WatchdogSec=5s", "WatchdogSecs=5s", "Unknown key")]
    [InlineData("ExecStart=/usr/bin/ristbond", "ExecStart=ristbond-not-installed", "Command ristbond-not-installed is not executable")]
    public void The_check_catches_a_broken_unit(string line, string broken, string complaint)
    {
        string text = File.ReadAllText(s_unit);
        Assert.Contains(line, text, StringComparison.Ordinal);
        var (code, output) = Verify(text.Replace(line, broken, StringComparison.Ordinal));
        Assert.False(code == 0 && output.Length == 0, "systemd-analyze verify accepted a broken unit");
        Assert.Contains(complaint, output, StringComparison.Ordinal);
    }

    static (int Code, string Output) Verify(string unitText)
    {
        string directory = Directory.CreateTempSubdirectory("ristbond-unit-").FullName;
        try
        {
            string ristbond = Path.Combine(AppContext.BaseDirectory, "ristbond");
            Assert.True(File.Exists(ristbond), $"the ristbond program is not beside the tests at {ristbond}");
            string unit = Path.Combine(directory, "ristbond.service");
            File.WriteAllText(unit, unitText.Replace("/usr/bin/ristbond", ristbond, StringComparison.Ordinal));
            var info = new ProcessStartInfo("systemd-analyze") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string argument in (string[])["verify", "--man=no", "--generators=no", unit])
                info.ArgumentList.Add(argument);
            using Process process = Process.Start(info)!;
            string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            Assert.True(process.WaitForExit(60_000), "systemd-analyze verify did not finish within 60 s");
            return (process.ExitCode, output.Trim());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ristbond.slnx")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException("ristbond.slnx not found above " + AppContext.BaseDirectory);
    }
}
