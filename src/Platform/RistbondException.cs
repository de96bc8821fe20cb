namespace Ristbond.Platform;

/// <summary>
/// A failure the user can act on. The message is one complete line that names the culprit (the option, URL,
/// file or device) and says what is wrong; the command line prints it as is and exits with <see cref="ExitCode"/>.
/// </summary>
public class RistbondException(string message, int exitCode = ExitCodes.BadInput, Exception? inner = null)
    : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>Process exit codes, documented in the README.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>A bad option, URL, file or configuration value.</summary>
    public const int BadInput = 2;
    /// <summary>Something outside ristbond failed: no receiver answered, a port is in use, the input stopped.</summary>
    public const int RuntimeFailure = 3;
    /// <summary>A native library ristbond needs (librist, libx265) is missing or too old.</summary>
    public const int MissingLibrary = 4;
    /// <summary>An internal loop died: a bug.</summary>
    public const int InternalError = 70;
}
