using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Ristbond.EndToEnd.Tests.Harness;

/// <summary>
/// The NativeAOT <c>ristbond</c> binary under test (RISTBOND_BIN, else artifacts/aot/linux-x64/ristbond as
/// ./build.sh test leaves it), with its stats stream parsed and its control socket at hand.
/// </summary>
public sealed class RistbondProcess : IDisposable
{
    readonly ChildProcess _process;
    readonly ConcurrentQueue<JsonElement> _stats = new();
    readonly string _directory = Directory.CreateTempSubdirectory("ristbond-e2e-").FullName;

    public RistbondProcess(params string[] arguments)
        : this(arguments, null)
    {
    }

    /// <param name="launcher">A command ristbond runs under, e.g. <c>ip netns exec NS</c> (<see cref="VethModems"/>); none by default.</param>
    public RistbondProcess(IEnumerable<string> arguments, IDictionary<string, string>? environment, IReadOnlyList<string>? launcher = null)
    {
        ControlSocket = Path.Combine(_directory, "control.sock");
        string[] all = [.. arguments, "--stats-json", "-", "--control", ControlSocket];
        _process = Launch(all, environment, launcher);
        _process.StdoutLine += line =>
        {
            if (line.StartsWith('{'))
                _stats.Enqueue(JsonDocument.Parse(line).RootElement.Clone());
        };
    }

    public string ControlSocket { get; }
    public IReadOnlyList<JsonElement> Stats => [.. _stats];
    public ChildProcess Process => _process;

    public static string BinaryPath
    {
        get
        {
            string path = Environment.GetEnvironmentVariable("RISTBOND_BIN") is { Length: > 0 } set
                ? set
                : Path.Combine(RepositoryRoot, "artifacts", "aot", "linux-x64", "ristbond");
            return File.Exists(path)
                ? path
                : throw new FileNotFoundException($"the NativeAOT ristbond is not at {path}: run ./build.sh aot (or set RISTBOND_BIN)");
        }
    }

    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "ristbond.slnx")))
                    return dir.FullName;
            }
            throw new DirectoryNotFoundException("ristbond.slnx not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Runs ristbond to completion (for commands that must fail fast): exit code, stdout, stderr.</summary>
    public static (int ExitCode, string Stdout, string[] Stderr) RunToExit(IEnumerable<string> arguments, TimeSpan timeout, IDictionary<string, string>? environment = null, IReadOnlyList<string>? launcher = null)
    {
        using ChildProcess process = Launch(arguments, environment, launcher);
        if (!process.WaitForExit(timeout))
            throw new TimeoutException($"ristbond did not exit within {timeout}:\n{process.Transcript()}");
        return (process.ExitCode, string.Join('\n', process.Stdout), [.. process.Stderr]);
    }

    static ChildProcess Launch(IEnumerable<string> arguments, IDictionary<string, string>? environment, IReadOnlyList<string>? launcher) =>
        launcher is { Count: > 0 }
            ? new ChildProcess(launcher[0], [.. launcher.Skip(1), BinaryPath, .. arguments], environment)
            : new ChildProcess(BinaryPath, arguments, environment);

    /// <summary>Waits until a stats line written from now on satisfies <paramref name="condition"/>; false on timeout or exit.</summary>
    public bool WaitForStats(Func<JsonElement, bool> condition, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        int seen = _stats.Count;
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            var lines = Stats;
            for (; seen < lines.Count; seen++)
            {
                if (condition(lines[seen]))
                    return true;
            }
            Thread.Sleep(50);
        }
        return false;
    }

    public static int LiveLinks(JsonElement stats) => stats.GetProperty("totals").GetProperty("links_live").GetInt32();

    public static JsonElement? Link(JsonElement stats, string name) =>
        stats.GetProperty("links").EnumerateArray().Cast<JsonElement?>().FirstOrDefault(l => l!.Value.GetProperty("name").GetString() == name);

    /// <summary>Sends one command on the control socket and returns the reply line.</summary>
    public string Control(string command)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            try
            {
                socket.Connect(new UnixDomainSocketEndPoint(ControlSocket));
                break;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
        }
        using var stream = new NetworkStream(socket);
        stream.Write(Encoding.UTF8.GetBytes(command + "\n"));
        using var reader = new StreamReader(stream);
        return reader.ReadLine() ?? "";
    }

    public string Transcript() => _process.Transcript();

    public void Dispose()
    {
        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
