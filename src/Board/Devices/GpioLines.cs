using Ristbond.Board.Profile;

namespace Ristbond.Board.Devices;

/// <summary>One GPIO line held as an output. Values are logical: true is on (the kernel applies active-low).</summary>
public interface IGpioLine : IDisposable
{
    /// <summary>"line 3 of gpiochip0".</summary>
    string Name { get; }
    bool Value { get; }
    void Set(bool value);
}

/// <summary>Where lines come from: the kernel's GPIO character devices (<see cref="GpioChardevChips"/>) or, on a machine without them, <see cref="VirtualGpioChips"/>.</summary>
public interface IGpioChips
{
    /// <summary>Requests <paramref name="spec"/> as an output that starts at <paramref name="initial"/> (no glitch: the request carries the value).</summary>
    IGpioLine Request(GpioLineSpec spec, bool initial, string consumer);
}

/// <summary>
/// Lines without hardware, for machines with no /dev/gpiochip (this project's build hosts): chips by name with a line
/// count, every value a line takes kept in order. Used by host tests; the kernel path is tested against gpio-sim in the
/// QEMU board.
/// </summary>
public sealed class VirtualGpioChips(IReadOnlyDictionary<string, int> chips) : IGpioChips
{
    readonly Dictionary<string, VirtualGpioLine> _lines = new(StringComparer.Ordinal);

    public IGpioLine Request(GpioLineSpec spec, bool initial, string consumer)
    {
        if (!chips.TryGetValue(spec.Chip, out int count))
            throw new BoardDeviceMissingException($"no GPIO chip '{spec.Chip}'");
        if (spec.Line >= count)
            throw new Platform.RistbondException($"{spec.Chip} has {count} lines: line {spec.Line} does not exist");
        string key = spec.ToString();
        if (_lines.TryGetValue(key, out VirtualGpioLine? held) && !held.Released)
            throw new Platform.RistbondException($"Could not request {key}: Device or resource busy");
        var line = new VirtualGpioLine(key, initial);
        _lines[key] = line;
        return line;
    }

    /// <summary>The line last requested at <paramref name="spec"/>'s place, if any.</summary>
    public VirtualGpioLine? Find(string chip, uint line) => _lines.GetValueOrDefault(new GpioLineSpec { Chip = chip, Line = line }.ToString());
}

public sealed class VirtualGpioLine(string name, bool initial) : IGpioLine
{
    readonly List<bool> _history = [initial];

    public string Name { get; } = name;
    public bool Value { get; private set; } = initial;
    public bool Released { get; private set; }
    /// <summary>Every value set, the initial one first; repeats of the same value are not kept (like a logic analyser).</summary>
    public IReadOnlyList<bool> History => _history;

    public void Set(bool value)
    {
        ObjectDisposedException.ThrowIf(Released, this);
        if (value != Value)
            _history.Add(value);
        Value = value;
    }

    public void Dispose() => Released = true;
}
