using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Ristbond.Board.Profile;
using Ristbond.Platform;
using static Interop.Gpio;

namespace Ristbond.Board.Devices;

/// <summary>
/// The kernel's GPIO character devices (uAPI v2): a chip is found by /dev name or by its label, and one line is
/// requested from it as an output, with its starting value in the request itself (a power-enable line must not
/// glitch low when ristbond starts).
/// </summary>
public sealed class GpioChardevChips(string devRoot = "/dev") : IGpioChips
{
    public IGpioLine Request(GpioLineSpec spec, bool initial, string consumer)
    {
        using SafeFileHandle chip = OpenChip(spec.Chip, out string chipPath, out uint lines);
        if (spec.Line >= lines)
            throw new RistbondException($"{chipPath} has {lines} lines: line {spec.Line} does not exist");
        return GpioChardevLine.Request(chip, chipPath, spec, initial, consumer);
    }

    SafeFileHandle OpenChip(string chip, out string path, out uint lines)
    {
        string direct = chip.StartsWith('/') ? chip : Path.Combine(devRoot, chip);
        if (File.Exists(direct))
        {
            path = direct;
            SafeFileHandle handle = Open(direct);
            lines = ReadInfo(handle, direct).Lines;
            return handle;
        }
        // Not a device name: a label ("tlmm", "gpio-sim.0-node0"), which survives renumbering across boots.
        var seen = new List<string>();
        foreach (string candidate in Directory.Exists(devRoot) ? Directory.GetFiles(devRoot, "gpiochip*").Order(StringComparer.Ordinal) : Enumerable.Empty<string>())
        {
            SafeFileHandle handle = Open(candidate);
            (string label, uint count) = ReadInfo(handle, candidate);
            if (label == chip)
            {
                path = $"{candidate} ({label})";
                lines = count;
                return handle;
            }
            seen.Add($"{Path.GetFileName(candidate)} '{label}'");
            handle.Dispose();
        }
        throw new BoardDeviceMissingException(seen.Count == 0
            ? $"no GPIO chip '{chip}': no {devRoot}/gpiochip* at all"
            : $"no GPIO chip '{chip}' (by name or label; there are {string.Join(", ", seen)})");
    }

    static SafeFileHandle Open(string path)
    {
        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RistbondException($"Could not open {path}: {e.Message}");
        }
    }

    static unsafe (string Label, uint Lines) ReadInfo(SafeFileHandle chip, string path)
    {
        gpiochip_info info = default;
        bool added = false;
        try
        {
            chip.DangerousAddRef(ref added);
            if (Interop.Libc.Ioctl((int)chip.DangerousGetHandle(), GPIO_GET_CHIPINFO_IOCTL, &info) < 0)
                throw new RistbondException($"Could not read the chip info of {path}: {Marshal.GetLastPInvokeErrorMessage()} (is it a GPIO chip?)");
        }
        finally
        {
            if (added)
                chip.DangerousRelease();
        }
        return (CString(info.label, GPIO_MAX_NAME_SIZE), info.lines);
    }

    static unsafe string CString(byte* text, int size)
    {
        var bytes = new ReadOnlySpan<byte>(text, size);
        int nul = bytes.IndexOf((byte)0);
        return Encoding.UTF8.GetString(nul >= 0 ? bytes[..nul] : bytes);
    }
}

/// <summary>One requested line: a file descriptor of its own (closed on dispose, which releases the line) and SET_VALUES.</summary>
public sealed class GpioChardevLine : IGpioLine
{
    readonly FileDescriptorHandle _handle;

    GpioChardevLine(FileDescriptorHandle handle, string name, bool value)
    {
        _handle = handle;
        Name = name;
        Value = value;
    }

    public string Name { get; }
    public bool Value { get; private set; }

    internal static unsafe GpioChardevLine Request(SafeFileHandle chip, string chipPath, GpioLineSpec spec, bool initial, string consumer)
    {
        gpio_v2_line_request request = default;
        request.offsets[0] = spec.Line;
        request.num_lines = 1;
        int length = Encoding.UTF8.GetBytes(consumer.AsSpan(0, Math.Min(consumer.Length, GPIO_MAX_NAME_SIZE - 1)), new Span<byte>(request.consumer, GPIO_MAX_NAME_SIZE - 1));
        request.consumer[length] = 0;
        request.config.flags = GPIO_V2_LINE_FLAG_OUTPUT | (spec.ActiveLow ? GPIO_V2_LINE_FLAG_ACTIVE_LOW : 0);
        request.config.num_attrs = 1;
        request.config.attrs[0].attr.id = GPIO_V2_LINE_ATTR_ID_OUTPUT_VALUES;
        request.config.attrs[0].attr.value = initial ? 1UL : 0UL;
        request.config.attrs[0].mask = 1;
        bool added = false;
        try
        {
            chip.DangerousAddRef(ref added);
            if (Interop.Libc.Ioctl((int)chip.DangerousGetHandle(), GPIO_V2_GET_LINE_IOCTL, &request) < 0)
                throw new RistbondException($"Could not request line {spec.Line} of {chipPath} as an output: {Marshal.GetLastPInvokeErrorMessage()}", ExitCodes.RuntimeFailure);
        }
        finally
        {
            if (added)
                chip.DangerousRelease();
        }
        return new GpioChardevLine(new FileDescriptorHandle(request.fd), $"line {spec.Line} of {chipPath}", initial);
    }

    public unsafe void Set(bool value)
    {
        if (value == Value)
            return;
        var values = new gpio_v2_line_values { bits = value ? 1UL : 0UL, mask = 1 };
        bool added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            if (Interop.Libc.Ioctl((int)_handle.DangerousGetHandle(), GPIO_V2_LINE_SET_VALUES_IOCTL, &values) < 0)
                throw new RistbondException($"Could not set {Name} to {(value ? 1 : 0)}: {Marshal.GetLastPInvokeErrorMessage()}", ExitCodes.RuntimeFailure);
        }
        finally
        {
            if (added)
                _handle.DangerousRelease();
        }
        Value = value;
    }

    public void Dispose() => _handle.Dispose();
}
