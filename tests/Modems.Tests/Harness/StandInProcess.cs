using System.Diagnostics;
using System.Text.Json;

namespace Ristbond.Modems.Tests.Harness;

/// <summary>
/// The ModemManager stand-in (ModemManagerStandIn/modemmanager_standin.py, python3-dbusmock) as a child process on
/// a private bus, driven by JSON commands on its stdin. Always Debian's /usr/bin/python3: that is the interpreter
/// python3-dbusmock is installed for (the python3 on PATH may be another one).
/// </summary>
public sealed class StandInProcess : IDisposable
{
    public const string Python = "/usr/bin/python3";
    public const string ModemPrefix = "/org/freedesktop/ModemManager1/Modem/";

    readonly Process _process;

    StandInProcess(Process process) => _process = process;

    public static string ScriptPath => Path.Combine(AppContext.BaseDirectory, "ModemManagerStandIn", "modemmanager_standin.py");

    public int ProcessId => _process.Id;

    public static StandInProcess Start(PrivateSystemBus bus)
    {
        var start = new ProcessStartInfo(Python, [ScriptPath, "--address", bus.Address, "--log", Path.Combine(bus.Directory, $"standin-{Guid.NewGuid():N}.log")])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start the ModemManager stand-in");
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                Console.Error.WriteLine("stand-in: " + e.Data);
        };
        process.BeginErrorReadLine();
        var standIn = new StandInProcess(process);
        string? ready = standIn.ReadLine();
        if (ready != "ready")
        {
            standIn.Dispose();
            throw new InvalidOperationException($"the ModemManager stand-in did not start: '{ready}'");
        }
        return standIn;
    }

    /// <summary>Sends one command; returns what follows "ok" (throws with the stand-in's reason on "error").</summary>
    public string Send(object command)
    {
        _process.StandardInput.WriteLine(JsonSerializer.Serialize(command));
        _process.StandardInput.Flush();
        string reply = ReadLine() ?? throw new InvalidOperationException("the ModemManager stand-in exited");
        if (reply == "ok")
            return "";
        if (reply.StartsWith("ok ", StringComparison.Ordinal))
            return reply[3..];
        throw new InvalidOperationException($"stand-in: {reply}");
    }

    /// <summary>A modem like ModemManager shows a Quectel EM12-G on LTE; returns its object path.</summary>
    public string AddModem(string id, string imei, string op = "Vodafone", int state = 8, string? bearerInterface = null,
        bool bearerConnected = true, object? lte = null, uint tech = 1 << 14, uint rate = 0)
    {
        var command = new Dictionary<string, object?>
        {
            ["cmd"] = "add_modem", ["id"] = id, ["imei"] = imei, ["operator"] = op, ["state"] = state,
            ["tech"] = tech, ["rate"] = rate, ["lte"] = lte ?? new { },
            ["bearer"] = bearerInterface is null ? null : new { @interface = bearerInterface, connected = bearerConnected },
        };
        return Send(command);
    }

    public void ConnectBearer(string modemPath, bool connected) => Send(new { cmd = "connect_bearer", path = modemPath, connected });

    public void SetSignal(string modemPath, object lte) =>
        Send(new { cmd = "set", path = modemPath, @interface = "org.freedesktop.ModemManager1.Modem.Signal", properties = new { Lte = lte } });

    /// <summary>The arguments of every call of <paramref name="method"/> on <paramref name="path"/>, as the stand-in logged them.</summary>
    public JsonElement Calls(string path, string method) => JsonDocument.Parse(Send(new { cmd = "calls", path, method })).RootElement;

    /// <summary>SIGKILL: ModemManager crashing; its bus name goes away with its connection.</summary>
    public void Kill()
    {
        if (_process.HasExited)
            return;
        _process.Kill();
        _process.WaitForExit(5000);
    }

    string? ReadLine()
    {
        Task<string?> line = _process.StandardOutput.ReadLineAsync();
        return line.Wait(TimeSpan.FromSeconds(15)) ? line.Result : throw new TimeoutException("the ModemManager stand-in did not answer");
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
