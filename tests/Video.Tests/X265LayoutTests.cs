using Ristbond.Video.Tests.Harness;

namespace Ristbond.Video.Tests;

/// <summary>
/// The struct layouts in Interop.X265.*.cs against the C compiler's view of /usr/include/x265.h on this machine:
/// a tiny C program prints sizeof/offsetof and the managed side must agree field by field.
/// </summary>
public sealed class X265LayoutTests
{
    const string Program = """
        #include <stdio.h>
        #include <stddef.h>
        #include <x265.h>
        #define OFF(t, f) printf(#t "." #f " %zu\n", offsetof(t, f))
        int main(void)
        {
            printf("X265_BUILD %d\n", X265_BUILD);
            printf("sizeof.x265_picture %zu\nsizeof.x265_nal %zu\n", sizeof(x265_picture), sizeof(x265_nal));
            OFF(x265_picture, pts); OFF(x265_picture, dts); OFF(x265_picture, userData);
            OFF(x265_picture, planes); OFF(x265_picture, stride); OFF(x265_picture, bitDepth);
            OFF(x265_picture, sliceType); OFF(x265_picture, poc); OFF(x265_picture, colorSpace);
            OFF(x265_picture, forceqp);
            OFF(x265_nal, type); OFF(x265_nal, sizeBytes); OFF(x265_nal, payload);
            printf("X265_TYPE_IDR %d\nX265_CSP_I420 %d\n", X265_TYPE_IDR, X265_CSP_I420);
            return 0;
        }
        """;

    [Fact]
    public async Task Managed_layouts_match_x265_h()
    {
        Assert.True(File.Exists("/usr/include/x265.h"), "/usr/include/x265.h is missing: install libx265-dev (./build.sh setup)");
        Dictionary<string, ulong> c = await CLayoutProbe.RunAsync(Program, TestContext.Current.CancellationToken);

        Dictionary<string, long> managed = ManagedLayout();
        foreach ((string name, long value) in managed)
            Assert.True(value >= 0 && c[name] == (ulong)value, $"{name}: x265.h says {c[name]}, ristbond uses {value}");
    }

    static unsafe Dictionary<string, long> ManagedLayout()
    {
        var picture = default(Interop.X265.x265_picture);
        var nal = default(Interop.X265.x265_nal);
        byte* p = (byte*)&picture;
        byte* n = (byte*)&nal;
        return new()
        {
            ["X265_BUILD"] = Interop.X265.X265_BUILD,
            ["sizeof.x265_picture"] = sizeof(Interop.X265.x265_picture),
            ["sizeof.x265_nal"] = sizeof(Interop.X265.x265_nal),
            ["x265_picture.pts"] = (byte*)&picture.pts - p,
            ["x265_picture.dts"] = (byte*)&picture.dts - p,
            ["x265_picture.userData"] = (byte*)&picture.userData - p,
            ["x265_picture.planes"] = (byte*)&picture.plane0 - p,
            ["x265_picture.stride"] = (byte*)&picture.stride0 - p,
            ["x265_picture.bitDepth"] = (byte*)&picture.bitDepth - p,
            ["x265_picture.sliceType"] = (byte*)&picture.sliceType - p,
            ["x265_picture.poc"] = (byte*)&picture.poc - p,
            ["x265_picture.colorSpace"] = (byte*)&picture.colorSpace - p,
            ["x265_picture.forceqp"] = (byte*)&picture.forceqp - p,
            ["x265_nal.type"] = (byte*)&nal.type - n,
            ["x265_nal.sizeBytes"] = (byte*)&nal.sizeBytes - n,
            ["x265_nal.payload"] = (byte*)&nal.payload - n,
            ["X265_TYPE_IDR"] = Interop.X265.X265_TYPE_IDR,
            ["X265_CSP_I420"] = Interop.X265.X265_CSP_I420,
        };
    }

    [Fact]
    public unsafe void Planes_and_strides_are_consecutive_arrays()
    {
        // planes[3] and stride[3] are C arrays: the managed fields standing for their elements must be adjacent.
        var picture = default(Interop.X265.x265_picture);
        Assert.Equal(sizeof(void*), (byte*)&picture.plane1 - (byte*)&picture.plane0);
        Assert.Equal(sizeof(void*), (byte*)&picture.plane2 - (byte*)&picture.plane1);
        Assert.Equal(sizeof(int), (byte*)&picture.stride1 - (byte*)&picture.stride0);
        Assert.Equal(sizeof(int), (byte*)&picture.stride2 - (byte*)&picture.stride1);
    }
}
