using Microsoft.Extensions.Logging;
using Ristbond.Board.Devices;
using Ristbond.Board.Logic;
using Ristbond.Board.Profile;
using Ristbond.Platform;

namespace Ristbond.Board;

/// <summary>
/// The board's LEDs and power lines while ristbond runs: opened from a profile (a missing device is an error naming
/// the profile, the role and the device, or a warning for a role marked optional), fed with <see cref="Post"/> from
/// the control loop's reports, and driven by <see cref="Run"/> on a thread of the owner's, every 50 ms (software
/// blinking and power cycling need a clock; the devices are written only when what they show changes). On dispose
/// every indicator goes off and every line is released, except the error indicator after <see cref="Fault"/>,
/// which an LED keeps lit.
/// </summary>
public sealed class BoardService : IDisposable
{
    const int TickMs = 50;
    const string Consumer = "ristbond";

    readonly ILogger _log;
    readonly BoardProfile _profile;
    readonly IndicatorLogic _logic;
    readonly IIndicator? _streaming;
    readonly IIndicator? _error;
    readonly IIndicator?[] _slotLeds;
    readonly IGpioLine?[] _power;
    readonly PowerCyclePolicy[] _policies;
    string? _lastWriteError;
    BoardInput _input = BoardInput.Nothing;
    int _faulted;

    BoardService(BoardProfile profile, string path, BoardDevices devices, ILogger log)
    {
        _log = log;
        _profile = profile;
        _logic = new IndicatorLogic(profile);
        _slotLeds = new IIndicator?[profile.Slots.Count];
        _power = new IGpioLine?[profile.Slots.Count];
        _policies = [.. profile.Slots.Select(_ => new PowerCyclePolicy(profile.PowerCycle))];
        try
        {
            _streaming = OpenIndicator(path, "streaming", profile.Streaming, devices);
            _error = OpenIndicator(path, "error", profile.Error, devices);
            for (int i = 0; i < profile.Slots.Count; i++)
            {
                SlotSpec slot = profile.Slots[i];
                _slotLeds[i] = OpenIndicator(path, $"slot '{slot.Name}' led", slot.Led, devices);
                if (slot.PowerEnable is GpioLineSpec power)
                    _power[i] = Open(path, $"slot '{slot.Name}' power_enable", power.Optional, () => devices.Gpio.Request(power, initial: true, Consumer));
            }
        }
        catch
        {
            ReleaseAll(keepError: false);
            throw;
        }
    }

    /// <summary>Loads the profile at <paramref name="path"/> and opens its devices; throws a one-line <see cref="RistbondException"/> for any problem.</summary>
    public static BoardService Open(string path, BoardDevices devices, ILogger log) => Open(BoardProfileLoader.Load(path), path, devices, log);

    public static BoardService Open(BoardProfile profile, string path, BoardDevices devices, ILogger log)
    {
        var service = new BoardService(profile, path, devices, log);
        log.LogInformation("board {Board}: profile {Path}, {Slots} modem slot(s)", profile.Board ?? "(unnamed)", path, profile.Slots.Count);
        return service;
    }

    /// <summary>The latest links and modems. Any thread; costs one reference write.</summary>
    public void Post(BoardInput input) => Volatile.Write(ref _input, input);

    /// <summary>A fatal error: the error indicator lights at the next tick, or at dispose, and stays lit after exit (on an LED).</summary>
    public void Fault() => Volatile.Write(ref _faulted, 1);

    /// <summary>
    /// The board loop, until cancelled. A device that stops taking writes (an LED unbound, a chip gone) is logged once
    /// and the stream goes on: indicators are not worth a broadcast. Anything else is a bug and ends the loop.
    /// </summary>
    public void Run(CancellationToken cancellation)
    {
        while (!cancellation.WaitHandle.WaitOne(TickMs))
        {
            try
            {
                Tick(MonotonicClock.NowNanos);
                _lastWriteError = null;
            }
            catch (RistbondException e)
            {
                if (e.Message != _lastWriteError)
                    _log.LogError("board: {Error}", e.Message);
                _lastWriteError = e.Message;
            }
        }
    }

    /// <summary>One step of the board: decide, show, cycle power. Internal: tests call it with simulated time.</summary>
    internal void Tick(long nowNanos)
    {
        BoardOutputs outputs = _logic.Decide(Volatile.Read(ref _input), nowNanos, Volatile.Read(ref _faulted) != 0);
        _streaming?.Show(outputs.Streaming, nowNanos);
        _error?.Show(outputs.Error, nowNanos);
        for (int i = 0; i < _slotLeds.Length; i++)
        {
            _slotLeds[i]?.Show(outputs.Slots[i], nowNanos);
            if (_power[i] is IGpioLine power)
                CyclePower(i, power, outputs.SlotFailed[i], nowNanos);
        }
    }

    void CyclePower(int slot, IGpioLine power, bool failed, long nowNanos)
    {
        PowerCyclePolicy policy = _policies[slot];
        long failedFor = policy.FailedForNanos(nowNanos);
        switch (policy.Update(failed, nowNanos))
        {
            case PowerAction.PowerOff:
                power.Set(false);
                _log.LogWarning("slot {Slot}: no working modem for {Seconds:0} s: power off for {Off:0.#} s ({Power}, power cycle {Cycle})",
                    _profile.Slots[slot].Name, failedFor / 1e9, _profile.PowerCycle.OffS, power.Name, policy.Cycles);
                break;
            case PowerAction.PowerOn:
                power.Set(true);
                _log.LogInformation("slot {Slot}: power on again; the next power cycle after {Wait:0} s without a working modem",
                    _profile.Slots[slot].Name, policy.WaitNanos / 1e9);
                break;
        }
    }

    IIndicator? OpenIndicator(string path, string role, IndicatorSpec? spec, BoardDevices devices)
    {
        if (spec is null)
            return null;
        if (spec.Led is string led)
            return Open(path, role, spec.Optional, () => SysfsLed.Open(devices.LedRoot, led));
        GpioLineSpec gpio = spec.Gpio!;
        return Open<IIndicator>(path, role, spec.Optional, () => new GpioIndicator(devices.Gpio.Request(gpio, initial: false, Consumer)));
    }

    T? Open<T>(string path, string role, bool optional, Func<T> open) where T : class
    {
        try
        {
            return open();
        }
        catch (BoardDeviceMissingException e) when (optional)
        {
            _log.LogWarning("board profile {Path}: {Role}: {Error}; optional, so it stays dark", path, role, e.Message);
            return null;
        }
        catch (RistbondException e)
        {
            throw new RistbondException($"board profile {path}: {role}: {e.Message}", e.ExitCode, e);
        }
    }

    void ReleaseAll(bool keepError)
    {
        if (keepError && _error is SysfsLed led)
        {
            // A fatal exit: the error LED stays lit for the operator (the kernel keeps an LED's brightness).
            led.Show(IndicatorMode.On, 0);
            led.KeepOnDispose = true;
        }
        _streaming?.Dispose();
        _error?.Dispose();
        foreach (IIndicator? indicator in _slotLeds)
            indicator?.Dispose();
        // Released, not switched off: a power-enable line must not cut the modems because ristbond stops.
        foreach (IGpioLine? line in _power)
            line?.Dispose();
    }

    /// <summary>Call after <see cref="Run"/> has returned: the devices are not shared with it.</summary>
    public void Dispose() => ReleaseAll(keepError: Volatile.Read(ref _faulted) != 0);
}
