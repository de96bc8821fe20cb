using Ristbond.Appliance.Send;

namespace Ristbond.Appliance.Config;

/// <summary>One read of a configuration file: the options it asks for, or every problem in it.</summary>
public sealed class ConfigFile
{
    ConfigFile(string path, SendOptions? options, string? receiver, IReadOnlyList<ConfigProblem> problems)
    {
        Path = path;
        Options = options;
        Receiver = receiver;
        Problems = problems;
    }

    /// <summary>The path as given (what messages show).</summary>
    public string Path { get; }
    /// <summary>The options for the session; null when there are problems.</summary>
    public SendOptions? Options { get; }
    /// <summary>The receiver's URL, with its secret (never log it: <see cref="Rist.RistUrl.Redact"/>).</summary>
    public string? Receiver { get; }
    public IReadOnlyList<ConfigProblem> Problems { get; }
    public bool IsValid => Options is not null;

    /// <summary>Each problem as "file:line: $.path: what", in file order.</summary>
    public IEnumerable<string> ProblemLines => Problems.OrderBy(p => p.Line).ThenBy(p => p.Column).Select(p => p.Format(Path));

    /// <summary>One line for a log or an exit message: the first problem and how many more.</summary>
    public string Summary()
    {
        string first = ProblemLines.FirstOrDefault() ?? $"{Path}: ok";
        return Problems.Count <= 1 ? first : $"{first} (and {Problems.Count - 1} more: ristbond config check {Path})";
    }

    public static ConfigFile Load(string path)
    {
        var problems = new ConfigProblems();
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string why = e switch
            {
                FileNotFoundException or DirectoryNotFoundException => "no such file",
                UnauthorizedAccessException => "permission denied",
                _ => e.Message,
            };
            problems.Add("$", 0, 0, $"cannot read: {why}");
            return new ConfigFile(path, null, null, problems.All);
        }
        return Parse(path, bytes, problems);
    }

    /// <summary>Checks <paramref name="json"/> as the content of <paramref name="path"/> (relative paths in it are from its directory).</summary>
    public static ConfigFile Parse(string path, ReadOnlySpan<byte> json, ConfigProblems? problems = null)
    {
        problems ??= new ConfigProblems();
        ServiceConfig? config = ConfigReader.Read(json, problems);
        SendOptions? options = null;
        string? receiver = null;
        if (config is not null)
        {
            string directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) ?? "/";
            options = ConfigRules.Apply(config, problems, directory, out receiver);
        }
        return problems.Count == 0 ? new ConfigFile(path, options, receiver, problems.All) : new ConfigFile(path, null, null, problems.All);
    }
}
