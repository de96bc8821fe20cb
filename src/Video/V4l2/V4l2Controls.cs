using static Interop.V4l2;

namespace Ristbond.Video.V4l2;

/// <summary>A control the device has: its range and default (from QUERYCTRL).</summary>
internal readonly record struct ControlRange(uint Id, string Name, int Minimum, int Maximum, int Default)
{
    public int Clamp(long value) => (int)Math.Clamp(value, Minimum, Maximum);
}

/// <summary>
/// The codec controls of one open encoder (a memory-to-memory device keeps its controls per open file): which
/// exist, with their ranges, and setting them with S_EXT_CTRLS.
/// </summary>
internal sealed unsafe class V4l2Controls
{
    readonly V4l2Device _device;
    readonly Dictionary<uint, ControlRange> _present = [];

    public V4l2Controls(V4l2Device device, ReadOnlySpan<uint> wanted)
    {
        _device = device;
        foreach (uint id in wanted)
        {
            var query = new v4l2_queryctrl { id = id };
            if (device.TryIoctl(VIDIOC_QUERYCTRL, ref query) != 0 || (query.flags & V4L2_CTRL_FLAG_DISABLED) != 0)
                continue;
            _present[id] = new ControlRange(id, V4l2Device.Text(query.name, 32), query.minimum, query.maximum, query.default_value);
        }
    }

    public bool Has(uint id) => _present.ContainsKey(id);

    public bool TryGet(uint id, out ControlRange range) => _present.TryGetValue(id, out range);

    /// <summary>Sets a control the device has (clamped to its range); returns 0 or the errno the driver gave.</summary>
    public int TrySet(uint id, long value)
    {
        if (!_present.TryGetValue(id, out ControlRange range))
            return Interop.Libc.EINVAL;
        var control = new v4l2_ext_control { id = id, value = range.Clamp(value) };
        var controls = new v4l2_ext_controls { which = V4L2_CTRL_WHICH_CUR_VAL, count = 1, controls = &control };
        return _device.TryIoctl(VIDIOC_S_EXT_CTRLS, ref controls);
    }

    /// <summary>Sets a control the device has, or throws naming it and the device.</summary>
    public void Set(uint id, long value)
    {
        int errno = TrySet(id, value);
        if (errno != 0)
            throw _device.Failure($"set control '{_present[id].Name}' to {value}", errno);
    }

    /// <summary>Sets a control when the device has it; a refusal is ignored (an optional setting, e.g. header mode).</summary>
    public void SetIfPresent(uint id, long value)
    {
        if (Has(id))
            TrySet(id, value);
    }
}
