using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Ristbond.YoctoLayer.Tests;

/// <summary>
/// What the unit, the configuration and the image's own files name agrees with what the recipes install, and
/// the layer's own systemd units, testimage case and kickstart are ones their tools accept. Checked on the
/// files, without bitbake (which needs the upstream layers and a network).
/// </summary>
public partial class ApplianceImageTests
{
    const string UnitPath = "packaging/systemd/ristbond.service";
    const string ConfigPath = "packaging/ristbond.json";

    /// <summary>Where the service may write or find things it does not install: the data partition and the kernel's.</summary>
    static readonly string[] RuntimePrefixes = ["/var/lib/ristbond/", "/data/", "/run/", "/dev/", "/sys/", "/proc/"];

    static string Repo(string relative) => Path.Combine(LayerRecipe.RepoRoot, relative);
    static string LayerFile(string relative) => Path.Combine(LayerRecipe.LayerDir, relative);

    static string ReadRepoFile(string relative)
    {
        string path = Repo(relative);
        Assert.True(File.Exists(path), $"{relative} is not in the repository: the ristbond recipe installs it (it comes with the service's branch)");
        return File.ReadAllText(path);
    }

    static Dictionary<string, List<string>> UnitSettings(string text)
    {
        var settings = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (string raw in text.Replace("\\\n", " ", StringComparison.Ordinal).Split('\n'))
        {
            string line = raw.Trim();
            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (line.Length == 0 || line[0] is '#' or ';' or '[' || eq < 0)
                continue;
            string key = line[..eq].Trim();
            if (!settings.TryGetValue(key, out var values))
                settings[key] = values = [];
            values.Add(line[(eq + 1)..].Trim());
        }
        return settings;
    }

    [Fact]
    public void The_unit_starts_the_installed_binary_with_the_installed_configuration_as_the_user_the_recipe_creates()
    {
        var recipe = LayerRecipe.Named("ristbond");
        var installed = recipe.InstalledPaths;
        var unit = UnitSettings(ReadRepoFile(UnitPath));

        Assert.True(unit.TryGetValue("ExecStart", out var execStart) && execStart.Count == 1, UnitPath + " has no single ExecStart=");
        string[] argv = execStart[0].TrimStart('-', '@', ':', '+', '!').Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(installed.Contains(argv[0]), $"{UnitPath} starts {argv[0]}; the recipe installs {string.Join(", ", installed)}");
        int config = Array.IndexOf(argv, "--config");
        Assert.True(config > 0 && config + 1 < argv.Length, $"{UnitPath}: ExecStart has no --config PATH: {execStart[0]}");
        Assert.True(installed.Contains(argv[config + 1]), $"{UnitPath} reads {argv[config + 1]}, which the recipe does not install");

        string useradd = recipe.Data.Get("USERADD_PARAM:ristbond") ?? "";
        if (unit.TryGetValue("User", out var user))
            Assert.True(useradd.EndsWith(" " + user[^1], StringComparison.Ordinal), $"{UnitPath} runs as {user[^1]}; the recipe creates: {useradd}");
        Assert.Equal("ristbond.service", recipe.Data.Get("SYSTEMD_SERVICE:ristbond"));
    }

    [Fact]
    public void Every_path_the_unit_and_configuration_name_is_installed_or_on_the_data_partition()
    {
        var installed = LayerRecipe.All().SelectMany(r => r.InstalledPaths).ToHashSet(StringComparer.Ordinal);
        var paths = new List<(string From, string Path)>();
        foreach (Match m in AbsolutePath().Matches(ReadRepoFile(UnitPath)))
            paths.Add((UnitPath, m.Value));
        CollectJsonPaths(JsonDocument.Parse(ReadRepoFile(ConfigPath), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }).RootElement, paths);

        var wrong = paths.Where(p => !installed.Contains(p.Path) && !RuntimePrefixes.Any(prefix => (p.Path + "/").StartsWith(prefix, StringComparison.Ordinal))
                && !IsDirectoryOfInstalled(p.Path, installed))
            .Select(p => $"{p.From} names {p.Path}: not installed by a recipe, and the appliance's root is read-only "
                + "(state and secrets belong under /var/lib/ristbond, which is the data partition)").ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    static bool IsDirectoryOfInstalled(string path, IReadOnlySet<string> installed) =>
        installed.Any(i => i.StartsWith(path.TrimEnd('/') + "/", StringComparison.Ordinal));

    static void CollectJsonPaths(JsonElement element, List<(string, string)> into)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                    CollectJsonPaths(property.Value, into);
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                    CollectJsonPaths(item, into);
                break;
            case JsonValueKind.String when element.GetString() is { } s && AbsolutePath().Match(s) is { Success: true, Index: 0 } m && m.Length == s.Length:
                into.Add((ConfigPath, s));
                break;
        }
    }

    [Fact]
    public void The_data_partition_plumbing_names_the_service_user_and_directories_the_recipes_make()
    {
        var ristbond = LayerRecipe.Named("ristbond");
        var data = LayerRecipe.Named("ristbond-data");
        var image = LayerRecipe.Named("ristbond-image");

        // The drop-in extends the unit the ristbond recipe installs.
        Assert.Contains(data.Installs, i => i.Destination == $"/usr/lib/systemd/system/{ristbond.Data.Get("SYSTEMD_SERVICE:ristbond")}.d/data-partition.conf");

        // State: bound from /data/ristbond (made by the image, owned by the service's user) on the user's home.
        var mount = UnitSettings(File.ReadAllText(LayerFile("recipes-ristbond/ristbond-data/files/var-lib-ristbond.mount")));
        Assert.Equal("/var/lib/ristbond", mount["Where"][0]);
        Assert.Contains("--home-dir /var/lib/ristbond ", ristbond.Data.Get("USERADD_PARAM:ristbond"), StringComparison.Ordinal);
        string layout = image.File.Functions["ristbond_data_layout"];
        Assert.Contains("${IMAGE_ROOTFS}" + mount["What"][0] + "\n", layout, StringComparison.Ordinal);
        Assert.Contains("chown -R ristbond:ristbond ${IMAGE_ROOTFS}" + mount["What"][0] + "\n", layout, StringComparison.Ordinal);
        var journal = UnitSettings(File.ReadAllText(LayerFile("recipes-ristbond/ristbond-data/files/var-volatile-log-journal.mount")));
        Assert.Contains("${IMAGE_ROOTFS}" + journal["What"][0] + "\n", layout, StringComparison.Ordinal);
        Assert.Equal("var-lib-ristbond.mount var-volatile-log-journal.mount", data.Data.Get("SYSTEMD_SERVICE:ristbond-data"));

        // The kickstart the image names exists, puts /data on its own partition from the rootfs's data/, root first.
        string wks = File.ReadAllText(LayerFile("wic/" + image.Data.Get("WKS_FILE")));
        var parts = wks.Split('\n').Where(l => l.StartsWith("part ", StringComparison.Ordinal)).ToList();
        Assert.StartsWith("part / ", parts[0], StringComparison.Ordinal);
        Assert.Contains("--exclude-path=data/", parts[0], StringComparison.Ordinal);
        Assert.Contains(parts, p => p.StartsWith("part /data ", StringComparison.Ordinal) && p.Contains("--change-directory=data", StringComparison.Ordinal));
        Assert.Equal("/dev/vda1", image.Data.Get("QB_KERNEL_ROOT:qemuarm64"));
        Assert.Contains("read-only-rootfs", image.Data.Get("IMAGE_FEATURES"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_layers_own_units_pass_systemd_analyze_verify()
    {
        // Mount units must be named after their Where=; systemd-analyze refuses them otherwise (checked: exit 1).
        string dir = Directory.CreateTempSubdirectory("ristbond-units-").FullName;
        try
        {
            string files = LayerFile("recipes-ristbond/ristbond-data/files");
            var units = Directory.GetFiles(files, "*.mount").Select(f => Path.Combine(dir, Path.GetFileName(f))).ToList();
            foreach (string unit in units)
                File.Copy(Path.Combine(files, Path.GetFileName(unit)), unit);
            var (exit, output) = Run("systemd-analyze", ["verify", .. units]);
            Assert.True(exit == 0 && output.Length == 0, "systemd-analyze verify: exit " + exit + "\n" + output);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void The_unit_the_recipe_installs_is_the_one_a_test_verifies_with_systemd_analyze()
    {
        var verifiers = Directory.GetFiles(Repo("tests"), "*.cs", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(Repo("board"), "*", SearchOption.AllDirectories).Where(f => !f.Contains("/.cache/", StringComparison.Ordinal)))
            .Where(f => !f.StartsWith(Repo("tests/YoctoLayer.Tests"), StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f).Contains("systemd-analyze", StringComparison.Ordinal)).ToList();
        Assert.True(verifiers.Any(f => File.ReadAllText(f).Contains("ristbond.service", StringComparison.Ordinal)),
            $"No test runs systemd-analyze verify on {UnitPath}, the unit the ristbond recipe installs "
            + $"(tests naming systemd-analyze: {(verifiers.Count == 0 ? "none" : string.Join(", ", verifiers))})");
    }

    [Fact]
    public void The_testimage_case_compiles_and_asks_the_url_the_image_sets()
    {
        string case_ = LayerFile("lib/oeqa/runtime/cases/ristbond.py");
        var (exit, output) = Run("python3", ["-c", "import ast,sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])", case_]);
        Assert.True(exit == 0, output);
        string text = File.ReadAllText(case_);
        Assert.Contains("self.td.get('RISTBOND_STATUS_URL')", text, StringComparison.Ordinal);
        Assert.StartsWith("http://", LayerRecipe.Named("ristbond-image").Data.Get("RISTBOND_STATUS_URL"), StringComparison.Ordinal);
        Assert.Contains("systemctl is-active ristbond.service", text, StringComparison.Ordinal);
    }

    static (int Exit, string Output) Run(string program, string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, (stdout.Result + stderr).Trim());
    }

    [GeneratedRegex(@"(?<![\w.])/(?:etc|usr|var|data|opt|srv|home|run|dev|sys|proc)(?:/[\w.@%+-]+)+")]
    private static partial Regex AbsolutePath();
}
