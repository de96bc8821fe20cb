namespace Ristbond.YoctoLayer.Tests;

/// <summary>
/// The files the Yocto recipes put in the image are the repository's own, the ones its other tests check:
/// each file:// source exists, the layer carries no diverging copy, and do_install installs exactly what is fetched.
/// </summary>
public class LayerFilesTests
{
    /// <summary>ristbond's NativeAOT binary: a build output (`./build.sh aot linux-arm64`), not a repository file.</summary>
    const string AotBinary = "ristbond";

    static string Repo(string relative) => Path.Combine(LayerRecipe.RepoRoot, relative);

    [Fact]
    public void Every_file_a_recipe_fetches_is_in_the_repository_or_the_layer()
    {
        var missing = new List<string>();
        foreach (var recipe in LayerRecipe.All())
        {
            foreach (string source in recipe.LocalSources)
            {
                if (recipe.Name == "ristbond" && source == AotBinary)
                    continue; // checked by Ristbond_binary_is_taken_from_where_build_sh_aot_linux_arm64_writes_it
                if (recipe.Resolve(source) is null)
                    missing.Add($"{Path.GetFileName(recipe.FilePath)} fetches file://{source}, which is in none of: "
                        + string.Join(", ", recipe.SearchPath.Select(d => Path.GetRelativePath(LayerRecipe.RepoRoot, d))));
            }
        }
        Assert.True(missing.Count == 0, "Files the recipes install are missing:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void The_layer_keeps_no_copy_that_differs_from_the_repository_file()
    {
        var layerFiles = Directory.GetFiles(LayerRecipe.LayerDir, "*", SearchOption.AllDirectories);
        var differing = new List<string>();
        foreach (var recipe in LayerRecipe.All())
        {
            foreach (string source in recipe.LocalSources)
            {
                string? found = recipe.Resolve(source);
                if (found is null || found.StartsWith(LayerRecipe.LayerDir + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                    continue;
                byte[] original = File.ReadAllBytes(found);
                foreach (string copy in layerFiles.Where(f => Path.GetFileName(f) == Path.GetFileName(source)))
                {
                    if (!File.ReadAllBytes(copy).AsSpan().SequenceEqual(original))
                        differing.Add($"{Path.GetRelativePath(LayerRecipe.RepoRoot, copy)} differs from "
                            + $"{Path.GetRelativePath(LayerRecipe.RepoRoot, found)}, which {Path.GetFileName(recipe.FilePath)} installs");
                }
            }
        }
        Assert.True(differing.Count == 0, "The layer carries stale copies (delete them):\n" + string.Join("\n", differing));
    }

    [Fact]
    public void Do_install_installs_every_fetched_file_and_only_those()
    {
        var problems = new List<string>();
        foreach (var recipe in LayerRecipe.All())
        {
            var fetched = recipe.LocalSources.ToHashSet(StringComparer.Ordinal);
            var installed = recipe.Installs.Select(i => i.Source).ToHashSet(StringComparer.Ordinal);
            string name = Path.GetFileName(recipe.FilePath);
            problems.AddRange(installed.Except(fetched).Select(s => $"{name}: do_install installs {s}, which SRC_URI does not fetch"));
            problems.AddRange(fetched.Except(installed).Select(s => $"{name}: SRC_URI fetches {s}, which do_install never installs"));
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Ristbond_binary_is_taken_from_where_build_sh_aot_linux_arm64_writes_it()
    {
        var recipe = LayerRecipe.Named("ristbond");
        string aotDir = Path.GetFullPath(recipe.Data.Get("RISTBOND_AOT_DIR")!);
        Assert.Equal(Repo("artifacts/aot/linux-arm64"), aotDir);
        Assert.Equal(aotDir, recipe.SearchPath[0]); // first, so nothing else named "ristbond" shadows it

        string buildSh = File.ReadAllText(Repo("build.sh"));
        Assert.Contains("AOT_DIR=$ROOT/artifacts/aot\n", buildSh, StringComparison.Ordinal);
        Assert.Contains("out=$AOT_DIR/${1:-linux-x64}", buildSh, StringComparison.Ordinal);
        Assert.Contains("<AssemblyName>ristbond</AssemblyName>", File.ReadAllText(Repo("src/Appliance/Ristbond.Appliance.csproj")), StringComparison.Ordinal);
        Assert.Contains((AotBinary, "/usr/bin/ristbond"), recipe.Installs);
    }

    /// <summary>What glibc provides on the board: the only libraries the binary may need (the recipe's RDEPENDS name no others).</summary>
    static readonly string[] s_glibc = ["libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1", "ld-linux-aarch64.so.1"];

    [Fact]
    public void The_arm64_binary_is_a_NativeAOT_AArch64_executable_with_librist_inside()
    {
        string binary = Repo("artifacts/aot/linux-arm64/" + AotBinary);
        Assert.SkipUnless(File.Exists(binary), $"{binary} was not built: `./build.sh aot linux-arm64` builds it (`./build.sh test` does)");
        ElfFile elf = ElfFile.Read(binary);
        Assert.True(elf.Machine == ElfFile.MachineAArch64, $"{binary} is not an AArch64 binary (e_machine 0x{elf.Machine:x})");
        // NativeAOT: no .NET host or runtime to load, and librist linked in rather than carried as librist.so.
        string[] others = [.. elf.Needed.Except(s_glibc)];
        Assert.True(others.Length == 0, $"{binary} needs {string.Join(", ", others)} besides glibc (DT_NEEDED: {string.Join(", ", elf.Needed)})");
        Assert.False(File.Exists(Repo("artifacts/aot/linux-arm64/ristbond.dll")), "a ristbond.dll beside the binary: not a NativeAOT build");
        // So the package needs no librist package: only what the binary loads at run time (libsystemd, in systemd).
        string[] rdepends = (LayerRecipe.Named("ristbond").Data.Get("RDEPENDS:ristbond") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("systemd", rdepends);
        Assert.DoesNotContain("librist", rdepends);
    }

    [Fact]
    public void Every_recipe_and_append_is_one_bitbake_parses()
    {
        // layer.conf: BBFILES = recipes-*/*/*.bb and *.bbappend. A file outside that pattern is silently ignored.
        var files = Directory.GetFiles(LayerRecipe.LayerDir, "*.bb*", SearchOption.AllDirectories);
        var outside = files.Select(f => Path.GetRelativePath(LayerRecipe.LayerDir, f).Split(Path.DirectorySeparatorChar))
            .Where(parts => parts.Length != 3 || !parts[0].StartsWith("recipes-", StringComparison.Ordinal))
            .Select(parts => string.Join('/', parts)).ToList();
        Assert.True(outside.Count == 0, "Outside layer.conf's BBFILES: " + string.Join(", ", outside));

        var unparsed = files.Append(Path.Combine(LayerRecipe.LayerDir, "conf", "layer.conf"))
            .SelectMany(f => BitbakeFile.Read(f).UnparsedLines).ToList();
        Assert.True(unparsed.Count == 0, "Lines these checks cannot read:\n" + string.Join("\n", unparsed));
    }
}
