using Ristbond.Platform;

namespace Ristbond.Appliance.Status;

/// <summary>A file an option asks ristbond to write (<c>--stats-json</c>, <c>--control-trace</c>): opened once, readable by others while written.</summary>
public static class OutputFile
{
    /// <param name="option">The option that named the file: the error names both.</param>
    /// <param name="mode"><see cref="FileMode.Append"/> to add to what is there, <see cref="FileMode.Create"/> to start afresh.</param>
    public static FileStream Open(string path, string option, FileMode mode)
    {
        try
        {
            return new FileStream(path, mode, FileAccess.Write, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RistbondException($"{option} {path}: cannot write: {e.Message}", ExitCodes.BadInput, e);
        }
    }
}
