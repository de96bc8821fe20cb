using Microsoft.Extensions.Logging;
using Ristbond.Modems.Bus;
using Ristbond.Modems.ModemManager;
using Ristbond.Platform;

namespace Ristbond.Modems;

// The watcher thread's life: connect (or wait to retry), then process → handle → housekeeping → poll, until stopped.
public sealed partial class ModemWatcher
{
    readonly List<SdBusMessageHandle> _batch = [];
    SdBusConnection? _bus;
    bool _busFailureLogged;
    long _nextConnectNanos = long.MinValue;
    long _nextTickNanos;
    bool _touched;

    void Run()
    {
        try
        {
            while (!_stopping)
            {
                long now = MonotonicClock.NowNanos;
                if (_bus is null)
                {
                    if (now >= _nextConnectNanos)
                        Connect(now);
                    if (_bus is null)
                    {
                        Sleep(null, _nextConnectNanos);
                        continue;
                    }
                }
                if (!Pump(now))
                    continue;
                Sleep(_bus, Math.Min(_nextTickNanos, _bus.NextDeadlineNanos ?? long.MaxValue));
            }
        }
        catch (Exception e)
        {
            Fault = e;
            _log.LogCritical(e, "modem watcher thread died: {Error}", e.Message);
            _events.Writer.TryComplete(e);
        }
        finally
        {
            DropConnection();
        }
    }

    /// <summary>Reads and handles everything pending, then does the periodic work. False when the connection was lost.</summary>
    bool Pump(long now)
    {
        try
        {
            while (true)
            {
                if (!_bus!.Process(out int error))
                {
                    ConnectionLost(BusErrors.Describe(error), now);
                    return false;
                }
                _bus.DrainInbox(_batch);
                if (_batch.Count == 0)
                    break;
                foreach (SdBusMessageHandle message in _batch)
                {
                    using (message)
                        Handle(message, now);
                }
                _batch.Clear();
            }
            if (now >= _nextTickNanos)
                _nextTickNanos = now + Nanos(_options.TickInterval);
            Housekeeping(now);
            if (_touched)
                Publish(now);
            // Housekeeping may have queued calls: let sd-bus write what it can before we sleep.
            if (!_bus.Process(out int flushError))
            {
                ConnectionLost(BusErrors.Describe(flushError), now);
                return false;
            }
            return true;
        }
        catch (RistbondException e) when (_bus is not null)
        {
            // A call that could not even be queued means the connection is unusable.
            ConnectionLost(e.Message, now);
            return false;
        }
    }

    void Connect(long now)
    {
        try
        {
            _bus = SdBusConnection.Open(_options.BusAddress);
            _bus.AddMatch(ModemManagerCalls.NameOwnerChangedRule);
            _bus.AddMatch(ModemManagerCalls.ObjectManagerRule);
            _bus.AddMatch(ModemManagerCalls.PropertiesChangedRule);
            Send(ModemManagerCalls.GetNameOwner(_bus), new PendingCall(CallKind.GetNameOwner, _generation));
        }
        catch (RistbondException e)
        {
            DropConnection();
            _nextConnectNanos = now + Nanos(_options.RetryInterval);
            if (!_busFailureLogged)
            {
                _log.LogWarning("{Error}: modems cannot be watched until the system D-Bus answers; trying again every {Seconds} s",
                    e.Message, _options.RetryInterval.TotalSeconds);
                _busFailureLogged = true;
                Publish(now);
            }
            return;
        }
        if (_busFailureLogged)
            _log.LogInformation("connected to the system D-Bus at {Address}", _bus.Address);
        _busFailureLogged = false;
        _touched = true;
    }

    void ConnectionLost(string why, long now)
    {
        _log.LogWarning("lost the system D-Bus connection ({Why}): reconnecting every {Seconds} s", why, _options.RetryInterval.TotalSeconds);
        DropConnection();
        _busFailureLogged = true; // the reconnect's success is worth a line, its failures are not
        _nextConnectNanos = now + Nanos(_options.RetryInterval);
        OwnerChanged(null, now, announceAbsence: false);
        Publish(now);
    }

    void DropConnection()
    {
        foreach (SdBusMessageHandle message in _batch)
            message.Dispose();
        _batch.Clear();
        _pending.Clear();
        _bus?.Dispose();
        _bus = null;
    }

    /// <summary>Sleeps in poll() on the bus socket (when connected) and the wake-up eventfd, until <paramref name="deadlineNanos"/>.</summary>
    unsafe void Sleep(SdBusConnection? bus, long deadlineNanos)
    {
        long remaining = deadlineNanos - MonotonicClock.NowNanos;
        if (remaining <= 0)
            return;
        int timeoutMs = (int)Math.Min(int.MaxValue, (remaining + 999_999) / 1_000_000);
        Interop.Libc.PollFd* fds = stackalloc Interop.Libc.PollFd[2];
        fds[0] = new Interop.Libc.PollFd { Fd = _wake.Fd, Events = Interop.Libc.POLLIN };
        int count = 1;
        if (bus is not null)
        {
            fds[1] = new Interop.Libc.PollFd { Fd = bus.Fd, Events = bus.Events };
            count = 2;
        }
        int ready = Interop.Libc.Poll(fds, (nuint)count, timeoutMs);
        if (ready > 0 && fds[0].Revents != 0)
            _wake.Drain();
    }
}
