namespace Ristbond.Modems.Tests.Harness;

/// <summary>Waiting for what another thread publishes, with generous limits (CI machines have two cores).</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Polls until <paramref name="condition"/> holds; fails with <paramref name="what"/> and <paramref name="detail"/> otherwise.</summary>
    public static void True(Func<bool> condition, string what, Func<string>? detail = null, TimeSpan? timeout = null)
    {
        DateTime deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"timed out waiting for {what}\n{detail?.Invoke()}");
            Thread.Sleep(20);
        }
    }

    /// <summary>Waits for the watcher's inventory to satisfy <paramref name="condition"/>, and returns it.</summary>
    public static ModemInventory Inventory(ModemWatcher watcher, Func<ModemInventory, bool> condition, string what, RecordingLogger? log = null)
    {
        True(() => condition(watcher.Current), what, () => $"last inventory: {Describe(watcher.Current)}\nlog:\n{log?.Dump()}");
        return watcher.Current;
    }

    public static string Describe(ModemInventory inventory) =>
        $"bus={inventory.BusConnected} mm={inventory.ModemManagerPresent} " +
        string.Join("; ", inventory.Modems.Select(m => $"{m} {m.State} bearers=[{string.Join(",", m.Bearers)}] lte={m.Lte}"));
}
