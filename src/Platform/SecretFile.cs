namespace Ristbond.Platform;

/// <summary>
/// Secrets (a SIM PIN, a password, the stream's passphrase) are read from files rather than taken on the command
/// line, where every user of the machine could read them in the process list. Their contents are never logged.
/// </summary>
public static class SecretFile
{
    const UnixFileMode GroupOrOthers =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>The file's content without the trailing line break; null for no path. <paramref name="culprit"/> names the option.</summary>
    public static string? Read(string? path, string culprit)
    {
        if (path is null)
            return null;
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RistbondException($"{culprit} '{path}': {e.Message}");
        }
        text = text.TrimEnd('\r', '\n');
        if (text.Length == 0)
            throw new RistbondException($"{culprit} '{path}': the file is empty");
        return text;
    }

    /// <summary>
    /// As <see cref="Read"/>, but refuses a file that its group or other users may access (anything but 0600 or
    /// 0400): a service's secret that every local user can read is not secret, and saying so beats finding out later.
    /// </summary>
    public static string? ReadPrivate(string? path, string culprit)
    {
        if (path is null)
            return null;
        CheckPrivate(path, culprit);
        return Read(path, culprit);
    }

    /// <summary>Throws unless <paramref name="path"/> is a regular file only its owner can access.</summary>
    public static void CheckPrivate(string path, string culprit)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new RistbondException(Directory.Exists(path)
                ? $"{culprit} '{path}': is a directory, not a file"
                : $"{culprit} '{path}': no such file");
        }
        UnixFileMode mode = info.UnixFileMode;
        if ((mode & GroupOrOthers) != 0)
        {
            string who = (mode & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute)) != 0 ? "other users" : "its group";
            throw new RistbondException($"{culprit} '{path}': mode {Octal(mode)} gives {who} access to a secret; make it readable by its owner only (chmod 600)");
        }
    }

    static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0x1ff, 8).PadLeft(3, '0');
}
