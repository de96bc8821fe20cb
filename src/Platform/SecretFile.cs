namespace Ristbond.Platform;

/// <summary>
/// Secrets (a SIM PIN, a password) are read from files rather than taken on the command line, where every user of
/// the machine could read them in the process list.
/// </summary>
public static class SecretFile
{
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
}
