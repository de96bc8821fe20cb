using System.Globalization;
using Ristbond.LinkEmulator;
using Ristbond.Platform;

namespace Ristbond.LinkEmulator.Cli;

/// <summary>
/// The command line, parsed by hand: five options do not need a framework, and a hand parser gives the
/// one-line "option: what is wrong" errors the rest of ristbond prints. Accepts "--opt value" and "--opt=value".
/// </summary>
internal sealed record CliOptions(
    IReadOnlyList<LinkConfig> Links,
    string? ScenarioPath,
    ulong? Seed,
    string? StatsJsonPath,
    bool ShowHelp)
{
    public const string Usage =
        """
        linkemu: userspace cellular link emulator (UDP relay per link, both directions, impaired)

        usage: linkemu --link SPEC [--link SPEC ...] [--seed N] [--stats-json PATH|-]
               linkemu --scenario FILE.json [--seed N] [--stats-json PATH|-]

          --link SPEC          name=NAME,listen=HOST:PORT,target=HOST:PORT[,KEY=VALUE...]
                               up (client→target) keys: rate=4M  queue=250ms | queue-bytes=N  delay=30ms
                               jitter=5ms  loss=1%  ge=P/R[/LOSS_GOOD[/LOSS_BAD]]
                               the same keys prefixed with down- (down-delay=30ms ...) set target→client
          --scenario FILE      links and timed events from a JSON scenario file (see README)
          --seed N             seed for every random draw (default: the scenario's, else 1)
          --stats-json PATH|-  one JSON line per second with per-link counters (- = stdout)
          -h, --help           this text

        Runs until SIGINT/SIGTERM. Exit codes: 0 ok, 2 bad input, 3 runtime failure (port in use), 70 internal error.

        """;

    public static CliOptions Parse(IReadOnlyList<string> args)
    {
        var links = new List<LinkConfig>();
        string? scenario = null, statsJson = null;
        ulong? seed = null;

        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            string? inlineValue = null;
            int eq = arg.IndexOf('=');
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                inlineValue = arg[(eq + 1)..];
                arg = arg[..eq];
            }
            switch (arg)
            {
                case "-h" or "--help":
                    return new CliOptions([], null, null, null, ShowHelp: true);
                case "--link":
                    links.Add(LinkSpec.Parse(Value(arg), $"--link #{links.Count + 1}"));
                    break;
                case "--scenario":
                    scenario = Value(arg);
                    break;
                case "--seed":
                    string text = Value(arg);
                    seed = ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong s)
                        ? s
                        : throw new RistbondException($"--seed: \"{text}\" is not a seed; expected an integer ≥ 0");
                    break;
                case "--stats-json":
                    statsJson = Value(arg);
                    break;
                default:
                    throw new RistbondException($"{arg}: unknown option; see linkemu --help");
            }

            string Value(string option)
            {
                if (inlineValue is not null)
                    return inlineValue;
                if (i + 1 >= args.Count)
                    throw new RistbondException($"{option}: missing value; see linkemu --help");
                return args[++i];
            }
        }

        if (scenario is not null && links.Count > 0)
            throw new RistbondException("--scenario and --link: give one or the other (put every link in the scenario file)");
        if (scenario is null && links.Count == 0)
            throw new RistbondException("no links: give --link SPEC or --scenario FILE; see linkemu --help");
        for (int i = 0; i < links.Count; i++)
        {
            if (links.Take(i).Any(l => l.Name == links[i].Name))
                throw new RistbondException($"--link #{i + 1}: name \"{links[i].Name}\" is used by two links");
        }
        return new CliOptions(links, scenario, seed, statsJson, ShowHelp: false);
    }
}
