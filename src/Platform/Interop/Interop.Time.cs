using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int CLOCK_MONOTONIC = 1;
        internal const int TIMER_ABSTIME = 1;
        internal const int EINTR = 4;

        [StructLayout(LayoutKind.Sequential)]
        internal struct Timespec
        {
            public long Seconds;
            public long Nanoseconds;
        }

        // Returns the error number (not -1/errno): this is how POSIX defines clock_nanosleep.
        [LibraryImport(Libraries.Libc, EntryPoint = "clock_nanosleep")]
        internal static unsafe partial int ClockNanosleep(int clockId, int flags, Timespec* request, Timespec* remain);
    }
}
