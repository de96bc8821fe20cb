namespace Ristbond.Appliance.Tests;

/// <summary>A temporary directory holding a configuration file and the files it names; deleted on dispose.</summary>
public sealed class ConfigFiles : IDisposable
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("ristbond-config-").FullName;

    public string ConfigPath => Path.Combine(Directory, "ristbond.json");

    /// <summary>Writes the configuration; returns its path.</summary>
    public string WriteConfig(string json)
    {
        File.WriteAllText(ConfigPath, json);
        return ConfigPath;
    }

    /// <summary>Writes a file (a secret, a board profile) with the given mode; returns its path.</summary>
    public string Write(string name, string content, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite)
    {
        string path = Path.Combine(Directory, name);
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, mode);
        return path;
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
