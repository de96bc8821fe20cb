namespace Ristbond.Appliance.Config;

/// <summary>One mistake in a configuration file: where (JSON path, line, column when known) and what.</summary>
public sealed record ConfigProblem(string Path, int Line, int Column, string Message)
{
    /// <summary><c>ristbond.json:12: $.links[1].url: …</c>, the way compilers report, so editors can jump to it.</summary>
    public string Format(string file) => Line <= 0 ? $"{file}: {Message}" : Column > 0 ? $"{file}:{Line}:{Column}: {Message}" : $"{file}:{Line}: {Message}";
}

/// <summary>
/// Every problem found in one file, and the line of every JSON path seen, so that checks made on the deserialized
/// configuration can still say where in the file the value is.
/// </summary>
public sealed class ConfigProblems
{
    readonly List<ConfigProblem> _problems = [];
    readonly Dictionary<string, int> _lines = new(StringComparer.Ordinal);

    public IReadOnlyList<ConfigProblem> All => _problems;
    public int Count => _problems.Count;

    /// <summary>Records where a value starts.</summary>
    public void Mark(string path, int line) => _lines.TryAdd(path, line);

    /// <summary>A problem at a path seen in the file (or, for a missing key, at its object's line).</summary>
    public void Add(string path, string why) => Add(path, LineOf(path), 0, $"{path}: {why}");

    /// <summary>A problem whose message names its culprit itself.</summary>
    public void AddMessage(string path, string message) => Add(path, LineOf(path), 0, message);

    public void Add(string path, int line, int column, string message)
    {
        _problems.Add(new ConfigProblem(path, line, column, message));
    }

    /// <summary>True if a problem was already reported at this path or around it: checks of the deserialized value skip it.</summary>
    public bool HasAt(string path) => _problems.Any(p => p.Path == path || path.StartsWith(p.Path + ".", StringComparison.Ordinal)
        || path.StartsWith(p.Path + "[", StringComparison.Ordinal));

    /// <summary>True if a problem was reported at this path or inside it.</summary>
    public bool AnyWithin(string path) => _problems.Any(p => p.Path == path || p.Path.StartsWith(path + ".", StringComparison.Ordinal)
        || p.Path.StartsWith(path + "[", StringComparison.Ordinal));

    /// <summary>The line of a path, or of the nearest enclosing value seen (a missing key is reported at its object).</summary>
    public int LineOf(string path)
    {
        for (string p = path; ; p = Parent(p))
        {
            if (_lines.TryGetValue(p, out int line))
                return line;
            if (p == "$" || p.Length == 0)
                return 1;
        }
    }

    static string Parent(string path)
    {
        int cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 0 ? "$" : path[..cut];
    }
}
