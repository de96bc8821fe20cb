namespace Ristbond.EndToEnd.Tests.Harness;

/// <summary>
/// librist's ristreceiver and ristsender from the librist build ristbond links (tools/native/build-librist), so the
/// tests run the librist that ships: the folder RISTBOND_RIST_TOOLS names (./build.sh sets it), else the
/// repository's artifacts/librist/linux-x64/bin. Never from PATH: Debian's rist-tools are another librist.
/// Also linked into Rist.Tests.
/// </summary>
public static class LibristTools
{
    public const string FolderVariable = "RISTBOND_RIST_TOOLS";

    public static string Folder { get; } = Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } set
        ? set
        : Path.Combine(FindRepositoryRoot(), "artifacts", "librist", "linux-x64", "bin");

    /// <summary>For a ristbond child that starts the tools itself (bench): the same folder.</summary>
    public static IDictionary<string, string> ChildEnvironment => new Dictionary<string, string> { [FolderVariable] = Folder };

    public static string PathOf(string tool)
    {
        string path = Path.Combine(Folder, tool);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{tool} of ristbond's librist build is not at {path}: run ./build.sh (or set {FolderVariable})");
    }

    static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ristbond.slnx")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException($"no ristbond.slnx above {AppContext.BaseDirectory}: set {FolderVariable}");
    }
}
