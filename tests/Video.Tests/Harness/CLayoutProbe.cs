using System.Globalization;

namespace Ristbond.Video.Tests.Harness;

/// <summary>
/// Compiles a small C program that prints "name value" lines (sizeof, offsetof, constants from a system header)
/// and returns what it printed, so a test can hold the managed interop layouts against the C compiler's view.
/// </summary>
public static class CLayoutProbe
{
    public static async Task<Dictionary<string, ulong>> RunAsync(string program, CancellationToken cancellation)
    {
        string directory = Directory.CreateTempSubdirectory("ristbond-layout-").FullName;
        try
        {
            string source = Path.Combine(directory, "layout.c");
            string binary = Path.Combine(directory, "layout");
            await File.WriteAllTextAsync(source, program, cancellation);
            var compile = await Tool.RunAsync("gcc", "-o", binary, source);
            Assert.True(compile.ExitCode == 0, $"gcc failed: {compile.Stderr}");
            var run = await Tool.RunAsync(binary);
            return run.Stdout
                .Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split(' '))
                .ToDictionary(parts => parts[0], parts => ulong.Parse(parts[1], CultureInfo.InvariantCulture));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
