using System.CommandLine;
using System.CommandLine.Parsing;
using Ristbond.Platform;

namespace Ristbond.Appliance.Cli;

/// <summary>
/// The command line: subcommands, and the one rule for failures: one line on stderr that names the culprit,
/// prefixed "ristbond:", and a non-zero exit code (see <see cref="ExitCodes"/>).
/// </summary>
public static class RistbondCli
{
    public static int Run(string[] args, TextWriter? error = null, TextWriter? output = null)
    {
        error ??= Console.Error;
        output ??= Console.Out;
        var root = new RootCommand("ristbond: one RIST flow over several links (cellular bonding), for any standard RIST receiver.")
        {
            SendCommand.Create(),
            ServiceCommands.CreateRun(),
            ServiceCommands.CreateConfig(),
            ModemsCommand.Create(),
            CheckTsCommand.Create(),
            VideoCommand.Create(),
            BenchCommand.Create(),
        };
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 && !AsksForHelp(args))
        {
            string command = parsed.CommandResult.Command is RootCommand ? "ristbond" : $"ristbond {parsed.CommandResult.Command.Name}";
            // "Required command was not provided" says less than "Unrecognized command 'transmit'": name the culprit.
            ParseError first = parsed.Errors.OrderBy(e => e.Message.StartsWith("Required command", StringComparison.Ordinal) ? 1 : 0).First();
            error.WriteLine($"ristbond: {first.Message} (see '{command} --help')");
            return ExitCodes.BadInput;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Error = error, Output = output });
        }
        catch (RistbondException e)
        {
            error.WriteLine($"ristbond: {e.Message}");
            return e.ExitCode;
        }
    }

    static bool AsksForHelp(string[] args) => args.Any(a => a is "-h" or "--help" or "-?" or "--version");

    /// <summary>Parses a bit rate with k/M/G suffix for an option, or reports an error naming the option.</summary>
    public static long ParseBitrate(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (Units.TryParseBitrate(text, out long bps) && bps > 0)
            return bps;
        result.AddError($"{OptionName(result)} '{text}' is not a bit rate (e.g. 6M, 2500k, 800000)");
        return 0;
    }

    /// <summary>Parses a duration ("10s", "500ms"; bare numbers are seconds) for an option.</summary>
    public static TimeSpan ParseSeconds(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (Units.TryParseDuration(text, out TimeSpan duration, bareUnit: "s"))
            return duration;
        result.AddError($"{OptionName(result)} '{text}' is not a duration (e.g. 10s, 500ms, 2m)");
        return TimeSpan.Zero;
    }

    static string OptionName(ArgumentResult result) => (result.Parent as OptionResult)?.Option.Name ?? "value";
}
