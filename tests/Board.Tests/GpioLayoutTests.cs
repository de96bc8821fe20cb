using System.Diagnostics;
using static Interop.Gpio;

namespace Ristbond.Board.Tests;

/// <summary>
/// The uAPI structs and ioctl numbers in Interop.Gpio against the kernel's own header: gcc compiles a program that
/// prints sizeof/offsetof/the ioctl macros from /usr/include/linux/gpio.h (linux-libc-dev, which gcc pulls in).
/// </summary>
public sealed class GpioLayoutTests
{
    const string Program = """
        #include <stdio.h>
        #include <stddef.h>
        #include <linux/gpio.h>
        #define P(name, value) printf("%s %lu\n", name, (unsigned long)(value))
        int main(void) {
            P("GPIO_GET_CHIPINFO_IOCTL", GPIO_GET_CHIPINFO_IOCTL);
            P("GPIO_V2_GET_LINE_IOCTL", GPIO_V2_GET_LINE_IOCTL);
            P("GPIO_V2_LINE_SET_VALUES_IOCTL", GPIO_V2_LINE_SET_VALUES_IOCTL);
            P("GPIO_V2_LINE_FLAG_ACTIVE_LOW", GPIO_V2_LINE_FLAG_ACTIVE_LOW);
            P("GPIO_V2_LINE_FLAG_OUTPUT", GPIO_V2_LINE_FLAG_OUTPUT);
            P("GPIO_V2_LINE_ATTR_ID_OUTPUT_VALUES", GPIO_V2_LINE_ATTR_ID_OUTPUT_VALUES);
            P("sizeof gpiochip_info", sizeof(struct gpiochip_info));
            P("offsetof gpiochip_info.lines", offsetof(struct gpiochip_info, lines));
            P("sizeof gpio_v2_line_attribute", sizeof(struct gpio_v2_line_attribute));
            P("offsetof gpio_v2_line_attribute.values", offsetof(struct gpio_v2_line_attribute, values));
            P("sizeof gpio_v2_line_config_attribute", sizeof(struct gpio_v2_line_config_attribute));
            P("sizeof gpio_v2_line_config", sizeof(struct gpio_v2_line_config));
            P("offsetof gpio_v2_line_config.attrs", offsetof(struct gpio_v2_line_config, attrs));
            P("sizeof gpio_v2_line_request", sizeof(struct gpio_v2_line_request));
            P("offsetof gpio_v2_line_request.consumer", offsetof(struct gpio_v2_line_request, consumer));
            P("offsetof gpio_v2_line_request.config", offsetof(struct gpio_v2_line_request, config));
            P("offsetof gpio_v2_line_request.num_lines", offsetof(struct gpio_v2_line_request, num_lines));
            P("offsetof gpio_v2_line_request.fd", offsetof(struct gpio_v2_line_request, fd));
            P("sizeof gpio_v2_line_values", sizeof(struct gpio_v2_line_values));
            return 0;
        }
        """;

    [Fact]
    public unsafe void Structs_and_ioctl_numbers_match_linux_gpio_h()
    {
        Dictionary<string, ulong> c = CompileAndRun();
        gpio_v2_line_request request;
        gpio_v2_line_config config;
        gpio_v2_line_attribute attribute;
        gpiochip_info info;
        var ours = new Dictionary<string, ulong>
        {
            ["GPIO_GET_CHIPINFO_IOCTL"] = GPIO_GET_CHIPINFO_IOCTL,
            ["GPIO_V2_GET_LINE_IOCTL"] = GPIO_V2_GET_LINE_IOCTL,
            ["GPIO_V2_LINE_SET_VALUES_IOCTL"] = GPIO_V2_LINE_SET_VALUES_IOCTL,
            ["GPIO_V2_LINE_FLAG_ACTIVE_LOW"] = GPIO_V2_LINE_FLAG_ACTIVE_LOW,
            ["GPIO_V2_LINE_FLAG_OUTPUT"] = GPIO_V2_LINE_FLAG_OUTPUT,
            ["GPIO_V2_LINE_ATTR_ID_OUTPUT_VALUES"] = GPIO_V2_LINE_ATTR_ID_OUTPUT_VALUES,
            ["sizeof gpiochip_info"] = (ulong)sizeof(gpiochip_info),
            ["offsetof gpiochip_info.lines"] = (ulong)((byte*)&info.lines - (byte*)&info),
            ["sizeof gpio_v2_line_attribute"] = (ulong)sizeof(gpio_v2_line_attribute),
            ["offsetof gpio_v2_line_attribute.values"] = (ulong)((byte*)&attribute.value - (byte*)&attribute),
            ["sizeof gpio_v2_line_config_attribute"] = (ulong)sizeof(gpio_v2_line_config_attribute),
            ["sizeof gpio_v2_line_config"] = (ulong)sizeof(gpio_v2_line_config),
            ["offsetof gpio_v2_line_config.attrs"] = (ulong)((byte*)&config.attrs - (byte*)&config),
            ["sizeof gpio_v2_line_request"] = (ulong)sizeof(gpio_v2_line_request),
            ["offsetof gpio_v2_line_request.consumer"] = (ulong)((byte*)request.consumer - (byte*)&request),
            ["offsetof gpio_v2_line_request.config"] = (ulong)((byte*)&request.config - (byte*)&request),
            ["offsetof gpio_v2_line_request.num_lines"] = (ulong)((byte*)&request.num_lines - (byte*)&request),
            ["offsetof gpio_v2_line_request.fd"] = (ulong)((byte*)&request.fd - (byte*)&request),
            ["sizeof gpio_v2_line_values"] = (ulong)sizeof(gpio_v2_line_values),
        };
        Assert.Equal(c.OrderBy(p => p.Key), ours.OrderBy(p => p.Key));
        Assert.Equal(592UL, c["sizeof gpio_v2_line_request"]);
    }

    static Dictionary<string, ulong> CompileAndRun()
    {
        string dir = Directory.CreateTempSubdirectory("ristbond-gpio-h-").FullName;
        try
        {
            string source = Path.Combine(dir, "layout.c"), binary = Path.Combine(dir, "layout");
            File.WriteAllText(source, Program);
            Run("gcc", $"-o {binary} {source}");
            return Run(binary, "").Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split(' ')).ToDictionary(p => string.Join(' ', p[..^1]), p => ulong.Parse(p[^1], System.Globalization.CultureInfo.InvariantCulture));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    static string Run(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string output = process.StandardOutput.ReadToEnd();
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} {arguments} failed: {errors}");
        return output;
    }
}
