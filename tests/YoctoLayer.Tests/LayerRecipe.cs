using System.Text.RegularExpressions;

namespace Ristbond.YoctoLayer.Tests;

/// <summary>
/// One recipe of yocto-layer/meta-ristbond read with the layer's layer.conf, the way bitbake would see it
/// for a target: its file:// sources resolved through FILESPATH and the files its do_install puts in the image.
/// </summary>
public sealed partial class LayerRecipe
{
    public static readonly string RepoRoot = FindRepoRoot();
    public static readonly string LayerDir = Path.Combine(RepoRoot, "yocto-layer", "meta-ristbond");

    /// <summary>Placeholders for bitbake's own directories: do_install paths are compared relative to them.</summary>
    public const string UnpackDirPlaceholder = "/UNPACKDIR";

    public string Name { get; }
    public string FilePath { get; }
    public BitbakeFile File { get; }
    public BitbakeData Data { get; }

    LayerRecipe(string filePath)
    {
        FilePath = filePath;
        Name = System.IO.Path.GetFileNameWithoutExtension(filePath).Split('_')[0];
        File = BitbakeFile.Read(filePath);
        Data = new BitbakeData();
        // What oe-core's bitbake.conf gives the target (usrmerge paths; without usrmerge only the prefix moves).
        Data.Set("PN", Name);
        Data.Set("BPN", Name);
        Data.Set("THISDIR", System.IO.Path.GetDirectoryName(filePath)!);
        Data.Set("WORKDIR", UnpackDirPlaceholder);
        Data.Set("D", "");
        Data.Set("bindir", "/usr/bin");
        Data.Set("sysconfdir", "/etc");
        Data.Set("docdir", "/usr/share/doc");
        Data.Set("nonarch_libdir", "/usr/lib");
        Data.Set("nonarch_base_libdir", "/usr/lib");
        Data.Set("systemd_system_unitdir", "/usr/lib/systemd/system");
        Data.Set("FILESEXTRAPATHS", "__default:");
        var layerConf = BitbakeFile.Read(System.IO.Path.Combine(LayerDir, "conf", "layer.conf"));
        var layerScope = new BitbakeData();
        layerScope.Set("LAYERDIR", LayerDir);
        foreach (var a in layerConf.Assignments.Where(a => a.Name is "RISTBOND_REPO" or "UNPACKDIR"))
            Data.Set(a.Name, layerScope.Expand(a.Value));
        Data.Apply(File);
        if (System.IO.Path.GetFileName(filePath).Split('_') is [_, var version])
            Data.Set("PV", version[..version.LastIndexOf(".bb", StringComparison.Ordinal)]);
    }

    public static IReadOnlyList<LayerRecipe> All() =>
        Directory.GetFiles(LayerDir, "*.bb", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => new LayerRecipe(f)).ToList();

    public static LayerRecipe Named(string name) => All().Single(r => r.Name == name);

    /// <summary>The file:// entries of SRC_URI, without their ;parameters, expanded.</summary>
    public IReadOnlyList<string> LocalSources =>
        (Data.Get("SRC_URI") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(u => u.StartsWith("file://", StringComparison.Ordinal))
            .Select(u => u["file://".Length..].Split(';')[0]).ToList();

    /// <summary>FILESPATH: FILESEXTRAPATHS first, then the recipe's own folders (bitbake's default order).</summary>
    public IReadOnlyList<string> SearchPath
    {
        get
        {
            var dirs = (Data.Get("FILESEXTRAPATHS") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
                .Where(d => d != "__default").ToList();
            string thisDir = Data.Get("THISDIR")!;
            string? pv = Data.Get("PV");
            if (pv is not null)
                dirs.Add(System.IO.Path.Combine(thisDir, $"{Name}-{pv}"));
            dirs.Add(System.IO.Path.Combine(thisDir, Name));
            dirs.Add(System.IO.Path.Combine(thisDir, "files"));
            return dirs.Select(d => System.IO.Path.GetFullPath(d)).ToList();
        }
    }

    /// <summary>Where bitbake would find a file:// entry: the first FILESPATH folder holding it; null if none does.</summary>
    public string? Resolve(string localSource) =>
        SearchPath.Select(d => System.IO.Path.Combine(d, localSource)).FirstOrDefault(System.IO.File.Exists);

    /// <summary>Each `install … ${UNPACKDIR}/SOURCE ${D}DEST` of do_install: what goes where in the image.</summary>
    public IReadOnlyList<(string Source, string Destination)> Installs
    {
        get
        {
            string body = File.Functions.GetValueOrDefault("do_install") ?? "";
            var installs = new List<(string, string)>();
            foreach (string line in body.Split('\n'))
            {
                if (InstallFile().Match(Data.Expand(line.Trim())) is not { Success: true } m)
                    continue;
                installs.Add((m.Groups["src"].Value, m.Groups["dest"].Value));
            }
            return installs;
        }
    }

    /// <summary>The target paths do_install writes (files, not the directories made with install -d).</summary>
    public IReadOnlySet<string> InstalledPaths => Installs.Select(i => i.Destination).ToHashSet(StringComparer.Ordinal);

    static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "ristbond.slnx")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException("ristbond.slnx not found above " + AppContext.BaseDirectory);
    }

    // install [-D] [-m MODE] /UNPACKDIR/SRC DEST: the source is a fetched file, DEST a path in the image (D is "").
    [GeneratedRegex(@"^install\s+(?:-[Dm]\s+(?:\d+\s+)?)*" + UnpackDirPlaceholder + @"/(?<src>\S+)\s+(?<dest>/\S+)$")]
    private static partial Regex InstallFile();
}
