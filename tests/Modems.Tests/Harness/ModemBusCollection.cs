using System.Runtime.InteropServices;

namespace Ristbond.Modems.Tests.Harness;

/// <summary>
/// Tests with a real dbus-daemon and the stand-in run one at a time: they start processes and wait on real time,
/// and the CLI test changes the process environment.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ModemBusCollection
{
    public const string Name = "modem-bus";
}

/// <summary>
/// setenv(3) for the native side: .NET's Environment.SetEnvironmentVariable does not change what libsystemd's
/// getenv sees, and sd_bus_open_system reads DBUS_SYSTEM_BUS_ADDRESS there.
/// </summary>
public static partial class NativeEnvironment
{
    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);

    public static void Set(string name, string value)
    {
        if (SetEnv(name, value, 1) != 0)
            throw new InvalidOperationException($"setenv {name} failed");
    }
}
