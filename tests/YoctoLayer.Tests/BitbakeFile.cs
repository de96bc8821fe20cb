using System.Text;
using System.Text.RegularExpressions;

namespace Ristbond.YoctoLayer.Tests;

/// <summary>
/// The part of bitbake's metadata language the layer uses: assignments (=, :=, ?=, ??=, +=, .=, with
/// :append/:prepend), shell functions and line continuations. Not bitbake: no overrides beyond
/// append/prepend, no Python expansion (a ${@…} stays as written, so a check on it fails visibly).
/// There is no bitbake on these machines (it needs the upstream layers); this is how the tests read a recipe.
/// </summary>
public sealed partial class BitbakeFile
{
    public string Path { get; }
    public IReadOnlyList<Assignment> Assignments { get; }
    public IReadOnlyDictionary<string, string> Functions { get; }
    /// <summary>Lines that are neither an assignment nor a function nor inherit/require/include: a parse gap.</summary>
    public IReadOnlyList<string> UnparsedLines { get; }

    public sealed record Assignment(string Name, string Operator, string Value, int Line);

    BitbakeFile(string path, List<Assignment> assignments, Dictionary<string, string> functions, List<string> unparsed)
    {
        Path = path;
        Assignments = assignments;
        Functions = functions;
        UnparsedLines = unparsed;
    }

    public static BitbakeFile Read(string path)
    {
        var assignments = new List<Assignment>();
        var functions = new Dictionary<string, string>(StringComparer.Ordinal);
        var unparsed = new List<string>();
        string[] lines = File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            int first = i;
            string line = lines[i];
            while (line.EndsWith('\\') && i + 1 < lines.Length)
                line = line[..^1] + " " + lines[++i].Trim();
            string trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed.StartsWith('#'))
                continue;
            if (FunctionStart().Match(trimmed) is { Success: true } function)
            {
                var body = new StringBuilder();
                while (++i < lines.Length && lines[i].TrimEnd() != "}")
                {
                    string bodyLine = lines[i];
                    while (bodyLine.EndsWith('\\') && i + 1 < lines.Length)
                        bodyLine = bodyLine[..^1] + " " + lines[++i].Trim();
                    body.AppendLine(bodyLine);
                }
                functions[function.Groups["name"].Value] = body.ToString();
                continue;
            }
            if (AssignmentLine().Match(trimmed) is { Success: true } assignment)
            {
                assignments.Add(new Assignment(assignment.Groups["name"].Value + assignment.Groups["flag"].Value,
                    assignment.Groups["op"].Value, assignment.Groups["value"].Value, first + 1));
                continue;
            }
            if (Directive().IsMatch(trimmed))
                continue;
            unparsed.Add($"{path}:{first + 1}: {trimmed}");
        }
        return new BitbakeFile(path, assignments, functions, unparsed);
    }

    [GeneratedRegex(@"^(?:python\s+)?(?<name>[A-Za-z_][\w:\-]*)\s*\(\)\s*\{$")]
    private static partial Regex FunctionStart();

    [GeneratedRegex(@"^(?:export\s+)?(?<name>[A-Za-z_][\w\-\.\$\{\}:]*?)(?<flag>\[[^\]]+\])?\s*(?<op>\?\?=|\?=|:=|\+=|=\+|\.=|=\.|=)\s*""(?<value>.*)""$")]
    private static partial Regex AssignmentLine();

    [GeneratedRegex(@"^(inherit|require|include|addtask|deltask|EXPORT_FUNCTIONS)\b")]
    private static partial Regex Directive();
}

/// <summary>Variables after applying files in order, as bitbake would for the subset <see cref="BitbakeFile"/> reads.</summary>
public sealed partial class BitbakeData
{
    readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    readonly Dictionary<string, string> _weak = new(StringComparer.Ordinal);
    readonly Dictionary<string, List<string>> _prepends = new(StringComparer.Ordinal);
    readonly Dictionary<string, List<string>> _appends = new(StringComparer.Ordinal);

    public void Set(string name, string value) => _values[name] = value;

    public BitbakeData Apply(BitbakeFile file)
    {
        foreach (var a in file.Assignments)
        {
            string name = ExpandName(a.Name);
            if (name.EndsWith(":prepend", StringComparison.Ordinal))
            {
                Add(_prepends, name[..^":prepend".Length], a.Operator == ":=" ? Expand(a.Value) : a.Value);
                continue;
            }
            if (name.EndsWith(":append", StringComparison.Ordinal))
            {
                Add(_appends, name[..^":append".Length], a.Operator == ":=" ? Expand(a.Value) : a.Value);
                continue;
            }
            switch (a.Operator)
            {
                case "=": _values[name] = a.Value; break;
                case ":=": _values[name] = Expand(a.Value); break;
                case "?=": _values.TryAdd(name, a.Value); break;
                case "??=": _weak[name] = a.Value; break;
                case "+=": _values[name] = Raw(name) is { } before ? before + " " + a.Value : a.Value; break;
                case "=+": _values[name] = Raw(name) is { } after ? a.Value + " " + after : a.Value; break;
                case ".=": _values[name] = (Raw(name) ?? "") + a.Value; break;
                case "=.": _values[name] = a.Value + (Raw(name) ?? ""); break;
            }
        }
        return this;
    }

    /// <summary>The variable's value with every ${VAR} expanded; null when it is not set at all.</summary>
    public string? Get(string name)
    {
        string? raw = Raw(name);
        bool hasExtras = _prepends.ContainsKey(name) || _appends.ContainsKey(name);
        if (raw is null && !hasExtras)
            return null;
        string value = string.Concat(_prepends.GetValueOrDefault(name) ?? []) + (raw ?? "")
            + string.Concat(_appends.GetValueOrDefault(name) ?? []);
        return Expand(value);
    }

    public string Expand(string text, int depth = 0)
    {
        if (depth > 20)
            throw new InvalidOperationException("variable expansion does not end: " + text);
        string expanded = Reference().Replace(text, m => Get(m.Groups[1].Value) ?? m.Value);
        return expanded == text ? text : Expand(expanded, depth + 1);
    }

    string? Raw(string name) => _values.TryGetValue(name, out string? v) ? v : _weak.GetValueOrDefault(name);

    string ExpandName(string name) => name.Contains("${", StringComparison.Ordinal) ? Expand(name) : name;

    static void Add(Dictionary<string, List<string>> to, string name, string value)
    {
        if (!to.TryGetValue(name, out var list))
            to[name] = list = [];
        list.Add(value);
    }

    [GeneratedRegex(@"\$\{([A-Za-z_][\w\-]*)\}")]
    private static partial Regex Reference();
}
