using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ristbond.Video;

// Every blittable signature below lets the runtime skip its marshalling layer; NativeAOT needs no stubs.
[assembly: DisableRuntimeMarshalling]

// x265.h, parameter half: x265_param is ~2 KB and changes with every X265_BUILD, so it is never laid out
// here. It is allocated by libx265 and set only through x265_param_parse, by the names the x265 CLI uses.
internal static partial class Interop
{
    internal static unsafe partial class X265
    {
        internal const int X265_PARAM_BAD_NAME = -1;
        internal const int X265_PARAM_BAD_VALUE = -2;

        [LibraryImport(Libraries.X265, EntryPoint = "x265_param_alloc")]
        internal static partial X265ParamHandle x265_param_alloc();

        [LibraryImport(Libraries.X265, EntryPoint = "x265_param_free")]
        internal static partial void x265_param_free(IntPtr param);

        // preset and tune are NUL-terminated ASCII; 0 on success, -1 for an unknown name.
        [LibraryImport(Libraries.X265, EntryPoint = "x265_param_default_preset")]
        internal static partial int x265_param_default_preset(X265ParamHandle param, byte* preset, byte* tune);

        [LibraryImport(Libraries.X265, EntryPoint = "x265_param_parse")]
        internal static partial int x265_param_parse(X265ParamHandle param, byte* name, byte* value);
    }
}
