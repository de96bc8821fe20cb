using System.CommandLine;
using Ristbond.Appliance.Config;
using Ristbond.Appliance.Service;
using Ristbond.Platform;

namespace Ristbond.Appliance.Cli;

/// <summary>
/// <c>ristbond run --config FILE</c> (the service: see <see cref="ServiceHost"/>) and <c>ristbond config check FILE</c>
/// (every problem in a configuration file, each with its line and JSON path; the schema is in docs/config.md).
/// </summary>
public static class ServiceCommands
{
    public const string DefaultConfigPath = "/etc/ristbond/ristbond.json";

    public static Command CreateRun()
    {
        var config = new Option<string>("--config", "-c")
        {
            Description = $"The configuration file (default {DefaultConfigPath}; schema in docs/config.md)",
            DefaultValueFactory = _ => DefaultConfigPath,
        };
        var command = new Command("run", "Run as the appliance's service: everything from one configuration file, systemd notifications, reload on SIGHUP") { config };
        command.SetAction(result => ServiceHost.Run(result.GetValue(config)!));
        return command;
    }

    public static Command CreateConfig()
    {
        var file = new Argument<string>("FILE") { Description = "The configuration file to check" };
        var check = new Command("check", "Check a configuration file and report every problem in it, with its line and JSON path") { file };
        check.SetAction(result =>
        {
            ConfigFile loaded = ConfigFile.Load(result.GetValue(file)!);
            if (!loaded.IsValid)
            {
                foreach (string line in loaded.ProblemLines)
                    result.InvocationConfiguration.Error.WriteLine(line);
                return ExitCodes.BadInput;
            }
            var options = loaded.Options!;
            result.InvocationConfiguration.Output.WriteLine(
                $"{loaded.Path}: ok (input {options.Input}, {options.DescribeLinks()}, bitrate {Units.FormatBitrate(options.MinBitrateBps)}-{Units.FormatBitrate(options.MaxBitrateBps)})");
            return ExitCodes.Ok;
        });
        return new Command("config", "Configuration files of ristbond run") { check };
    }
}
