using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

[assembly: DisableRuntimeMarshalling]

// linux/gpio.h, the GPIO character device uAPI v2: one chip per /dev/gpiochipN, lines requested from it as a
// separate file descriptor. Laid out like the header; GpioLayoutTests compiles the header with gcc and compares
// every size, offset and ioctl number below with it.
internal static partial class Interop
{
    internal static unsafe partial class Gpio
    {
        internal const int GPIO_MAX_NAME_SIZE = 32;
        internal const int GPIO_V2_LINES_MAX = 64;
        internal const int GPIO_V2_LINE_NUM_ATTRS_MAX = 10;

        // _IOR(0xB4, 0x01, struct gpiochip_info), _IOWR(0xB4, 0x07, struct gpio_v2_line_request),
        // _IOWR(0xB4, 0x0F, struct gpio_v2_line_values).
        internal const uint GPIO_GET_CHIPINFO_IOCTL = 0x8044b401;
        internal const uint GPIO_V2_GET_LINE_IOCTL = 0xc250b407;
        internal const uint GPIO_V2_LINE_SET_VALUES_IOCTL = 0xc010b40f;

        internal const ulong GPIO_V2_LINE_FLAG_ACTIVE_LOW = 1UL << 1;
        internal const ulong GPIO_V2_LINE_FLAG_OUTPUT = 1UL << 3;
        internal const uint GPIO_V2_LINE_ATTR_ID_OUTPUT_VALUES = 2;

        [StructLayout(LayoutKind.Sequential)]
        internal struct gpiochip_info
        {
            public fixed byte name[GPIO_MAX_NAME_SIZE];
            public fixed byte label[GPIO_MAX_NAME_SIZE];
            public uint lines;
        }

        /// <summary>The attribute's union (flags, values, debounce_period_us) is one u64 here: we only set values.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct gpio_v2_line_attribute
        {
            public uint id;
            public uint padding;
            public ulong value;
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct gpio_v2_line_config_attribute
        {
            public gpio_v2_line_attribute attr;
            public ulong mask;
        }

        [InlineArray(GPIO_V2_LINE_NUM_ATTRS_MAX)]
        internal struct gpio_v2_line_config_attributes
        {
            gpio_v2_line_config_attribute _first;
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct gpio_v2_line_config
        {
            public ulong flags;
            public uint num_attrs;
            public fixed uint padding[5];
            public gpio_v2_line_config_attributes attrs;
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct gpio_v2_line_request
        {
            public fixed uint offsets[GPIO_V2_LINES_MAX];
            public fixed byte consumer[GPIO_MAX_NAME_SIZE];
            public gpio_v2_line_config config;
            public uint num_lines;
            public uint event_buffer_size;
            public fixed uint padding[5];
            public int fd;
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct gpio_v2_line_values
        {
            public ulong bits;
            public ulong mask;
        }
    }
}
