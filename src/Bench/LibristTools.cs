using Ristbond.Platform;

namespace Ristbond.Bench;

/// <summary>
/// librist's ristsender and ristreceiver from the librist build ristbond itself is linked with, so a bench
/// compares ristbond with the same librist, and a receiver runs the librist that ships. The folder comes from
/// RISTBOND_RIST_TOOLS (./build.sh sets it to artifacts/librist/&lt;rid&gt;/bin; on a board, where the tools are
/// installed). Never from PATH: Debian's rist-tools are another librist.
/// </summary>
public static class LibristTools
{
    public const string FolderVariable = "RISTBOND_RIST_TOOLS";

    /// <summary>The path of <paramref name="tool"/> ("ristsender", "ristreceiver"); one clear error when it is not there.</summary>
    public static string PathOf(string tool)
    {
        string folder = Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } set
            ? set
            : throw new RistbondException(
                $"bench: {FolderVariable} is not set: it names the folder of ristsender and ristreceiver of ristbond's librist build (./build.sh sets it to artifacts/librist/linux-x64/bin)",
                ExitCodes.MissingLibrary);
        string path = Path.Combine(folder, tool);
        return File.Exists(path)
            ? path
            : throw new RistbondException($"bench: {path} is missing ({FolderVariable}={folder}; tools/native/build-librist builds it)", ExitCodes.MissingLibrary);
    }
}
