using System.Text.RegularExpressions;

namespace Ristbond.YoctoLayer.Tests;

/// <summary>
/// The image's librist is the one the tests ran: the layer's librist recipe has the version, the source tarball,
/// its sha256 and the build options that tools/native/build-librist pins (the build that ristbond links and whose
/// ristsender/ristreceiver every test uses). Differences are the ones bitbake imposes, each named here.
/// </summary>
public sealed partial class LibristRecipeTests
{
    static readonly string BuildScript = File.ReadAllText(Path.Combine(LayerRecipe.RepoRoot, "tools", "native", "build-librist"));
    static readonly LayerRecipe Recipe = LayerRecipe.Named("librist");

    /// <summary>A NAME=value pin at the top of build-librist.</summary>
    static string Pin(string name) =>
        Regex.Match(BuildScript, $"^{name}=(\\S+)$", RegexOptions.Multiline) is { Success: true } m
            ? m.Groups[1].Value
            : throw new InvalidDataException($"tools/native/build-librist has no {name}= line");

    /// <summary>build-librist's meson options: MESON_OPTIONS=(…) plus those of its static build.</summary>
    static IReadOnlyList<string> BuildLibristOptions()
    {
        string common = MesonOptions().Match(BuildScript) is { Success: true } m ? m.Groups[1].Value
            : throw new InvalidDataException("tools/native/build-librist has no MESON_OPTIONS=(…)");
        string staticBuild = StaticBuild().Match(BuildScript) is { Success: true } s ? s.Groups[1].Value
            : throw new InvalidDataException("tools/native/build-librist has no 'meson_build static' line");
        return [.. (common + " " + staticBuild).Split(' ', StringSplitOptions.RemoveEmptyEntries)];
    }

    IReadOnlyList<string> RecipeOptions => (Recipe.Data.Get("EXTRA_OEMESON") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void The_recipe_is_the_version_build_librist_pins()
    {
        Assert.Equal(Pin("LIBRIST_VERSION"), Recipe.Data.Get("PV"));
        Assert.Equal($"librist-v{Pin("LIBRIST_VERSION")}", Path.GetFileName(Recipe.Data.Get("S")));
    }

    [Fact]
    public void The_recipe_fetches_the_tarball_build_librist_pins_with_the_same_sha256_from_no_named_host()
    {
        string uri = Assert.Single((Recipe.Data.Get("SRC_URI") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries));
        // Debian's pool through oe-core's DEBIAN_MIRROR, so a site's mirror settings apply.
        Assert.StartsWith("${DEBIAN_MIRROR}/main/libr/librist/", uri, StringComparison.Ordinal);
        Assert.Equal(Pin("LIBRIST_TARBALL"), uri[(uri.LastIndexOf('/') + 1)..]);
        Assert.Equal(Pin("LIBRIST_SHA256"), Recipe.Data.Get("SRC_URI[sha256sum]"));
    }

    [Fact]
    public void The_recipe_builds_with_build_librists_options()
    {
        var problems = new List<string>();
        foreach (string option in BuildLibristOptions())
        {
            switch (option)
            {
                case "--buildtype=release":
                    break; // bitbake's MESON_BUILDTYPE and the distro's optimisation flags decide
                case "-Dbuiltin_cjson=true":
                    // The DFSG tarball lacks cJSON: build-librist builds Debian's source in, the recipe takes meta-oe's cjson.
                    if (!RecipeOptions.Contains("-Dbuiltin_cjson=false") || Recipe.Data.Get("DEPENDS")?.Split(' ').Contains("cjson") != true)
                        problems.Add("cJSON: expected -Dbuiltin_cjson=false with DEPENDS on cjson");
                    break;
                case "-Dc_args=-ULINUX_CRYPTO":
                    // meson.bbclass puts CFLAGS into the cross file's c_args; a -Dc_args would replace them.
                    if (!Recipe.File.Assignments.Any(a => a.Name == "CFLAGS:append" && a.Value.Split(' ').Contains("-ULINUX_CRYPTO")))
                        problems.Add("-ULINUX_CRYPTO: expected in CFLAGS:append");
                    break;
                default:
                    if (!RecipeOptions.Contains(option))
                        problems.Add($"{option}: not in EXTRA_OEMESON");
                    break;
            }
        }
        Assert.True(problems.Count == 0, "The recipe builds another librist than the tests ran:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void The_static_librarys_symbol_filter_uses_the_targets_objcopy()
    {
        // librist asks for objcopy as a build-machine program; meson.bbclass's native file names the host's, which
        // skips an aarch64 object silently. The recipe points the native file at the target's objcopy.
        Assert.Contains("-Dallow_obj_filter=true", RecipeOptions);
        string body = Assert.Contains("do_write_config:append:class-target", Recipe.File.Functions);
        Assert.Contains("${WORKDIR}/meson.native", body, StringComparison.Ordinal);
        Assert.Contains("objcopy = '${OBJCOPY}'", body, StringComparison.Ordinal);
    }

    [Fact]
    public void The_license_checksum_is_of_the_pinned_tarballs_COPYING_where_build_librist_unpacked_it()
    {
        string copying = Path.Combine(LayerRecipe.RepoRoot, "artifacts", "librist", "src", $"librist-v{Pin("LIBRIST_VERSION")}", "COPYING");
        Assert.SkipUnless(File.Exists(copying), $"{copying} is not there: tools/native/build-librist unpacks it (./build.sh runs it)");
        string md5 = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(File.ReadAllBytes(copying)));
        Assert.Equal($"file://COPYING;md5={md5}", Recipe.Data.Get("LIC_FILES_CHKSUM"));
    }

    [GeneratedRegex(@"^MESON_OPTIONS=\(([^)]*)\)", RegexOptions.Multiline)]
    private static partial Regex MesonOptions();

    [GeneratedRegex(@"^\s*meson_build static (.*)$", RegexOptions.Multiline)]
    private static partial Regex StaticBuild();
}
