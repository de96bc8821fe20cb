using Microsoft.Extensions.Logging;
using Ristbond.Modems.Bus;
using Ristbond.Modems.ModemManager;
using Ristbond.Platform;

namespace Ristbond.Modems;

/// <summary>
/// One look at ModemManager, on the calling thread: what `ristbond modems` prints. Same parsing as the watcher,
/// with blocking calls instead of a loop. Changes nothing on the modems (no Signal.Setup: readings are there only
/// when something, such as a running ristbond, asked ModemManager for them).
/// </summary>
public static class ModemManagerQuery
{
    /// <summary>
    /// Reads every modem and its bearers. Throws a <see cref="RistbondException"/> (exit code 3) with one line when the
    /// system bus does not answer or ModemManager is not on it.
    /// </summary>
    public static ModemInventory ReadOnce(string? busAddress, TimeSpan timeout, ILogger log)
    {
        try
        {
            return Read(busAddress, timeout, log);
        }
        catch (DBusFormatException e)
        {
            throw new RistbondException($"ModemManager sent a reply that does not read as documented: {e.Message}", ExitCodes.RuntimeFailure, e);
        }
    }

    static ModemInventory Read(string? busAddress, TimeSpan timeout, ILogger log)
    {
        using SdBusConnection bus = SdBusConnection.Open(busAddress);
        var table = new ModemTable(new PropertyTypeReporter(log));
        long now = MonotonicClock.NowNanos;

        using (SdBusMessageHandle reply = Call(bus, ModemManagerCalls.GetNameOwner(bus), timeout, out BusError error))
        {
            if (reply.IsInvalid)
            {
                string why = error.Name == BusError.NameHasNoOwner ? "no owner for org.freedesktop.ModemManager1" : error.ToString();
                throw new RistbondException($"ModemManager is not running ({why} on the system D-Bus at {bus.Address})", ExitCodes.RuntimeFailure);
            }
        }
        using (SdBusMessageHandle reply = Call(bus, ModemManagerCalls.GetManagedObjects(bus), timeout, out BusError error))
        {
            if (reply.IsInvalid)
                throw new RistbondException($"ModemManager did not list its modems (GetManagedObjects): {error}", ExitCodes.RuntimeFailure);
            var reader = new DBusReader(reply);
            table.ApplyManagedObjects(ref reader, now);
        }
        foreach (string bearer in table.BearersToRead())
        {
            using SdBusMessageHandle reply = Call(bus, ModemManagerCalls.GetAll(bus, bearer, ModemManagerNames.Bearer), timeout, out BusError error);
            if (reply.IsInvalid)
            {
                table.BearerReadFailed(bearer, error, log);
                continue;
            }
            var reader = new DBusReader(reply);
            table.ApplyBearerGetAll(bearer, ref reader);
        }
        return new ModemInventory
        {
            BusConnected = true,
            ModemManagerPresent = true,
            Modems = table.Snapshot(),
            Version = 1,
            TimeNanos = now,
        };
    }

    /// <summary>A blocking call; an invalid handle and the error when it failed.</summary>
    static SdBusMessageHandle Call(SdBusConnection bus, SdBusMessageHandle call, TimeSpan timeout, out BusError error)
    {
        using (call)
        {
            if (bus.TryCall(call, timeout, out SdBusMessageHandle reply, out error))
                return reply;
            reply.Dispose();
            return new SdBusMessageHandle();
        }
    }
}
