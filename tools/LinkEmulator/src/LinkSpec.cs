using System.Net;
using Ristbond.Platform;

namespace Ristbond.LinkEmulator;

/// <summary>
/// Parses the command line's compact link form:
/// <c>name=a,listen=127.0.0.1:7001,target=127.0.0.1:6000,rate=4M,delay=30ms,jitter=5ms,loss=1%</c>.
/// Impairment keys set the up direction (client→target); the same keys prefixed with "down-" set the down
/// direction, which is unimpaired unless told. Keys: rate, queue (a duration), queue-bytes, delay, jitter, loss,
/// ge (p/r[/loss_good[/loss_bad]], each a fraction or a percentage).
/// </summary>
public static class LinkSpec
{
    public const string Help =
        "name=NAME,listen=HOST:PORT,target=HOST:PORT[,rate=4M][,queue=250ms|queue-bytes=N][,delay=30ms][,jitter=5ms]" +
        "[,loss=1%][,ge=P/R[/LOSS_GOOD[/LOSS_BAD]]][,down-delay=30ms,down-rate=…]";

    /// <param name="what">How errors name the argument, e.g. "--link #2".</param>
    public static LinkConfig Parse(string spec, string what)
    {
        string? name = null;
        IPEndPoint? listen = null, target = null;
        var up = new ProfileBuilder();
        var down = new ProfileBuilder();

        foreach (string item in spec.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = item.IndexOf('=');
            if (eq <= 0)
                throw new RistbondException($"{what}: \"{item}\" is not key=value; expected {Help}");
            string key = item[..eq].Trim().ToLowerInvariant();
            string value = item[(eq + 1)..].Trim();
            string where = $"{what} {key}";
            switch (key)
            {
                case "name":
                    if (!Scenario.IsValidLinkName(value))
                        throw new RistbondException($"{where}: \"{value}\" is not a link name; use 1-32 letters, digits, '-', '_' or '.'");
                    name = value;
                    break;
                case "listen": listen = Units.ParseEndPoint(value, where); break;
                case "target": target = Units.ParseEndPoint(value, where); break;
                default:
                    bool isDown = key.StartsWith("down-", StringComparison.Ordinal);
                    if (!(isDown ? down : up).TrySet(isDown ? key["down-".Length..] : key, value, where))
                        throw new RistbondException($"{what}: unknown key \"{key}\"; expected {Help}");
                    break;
            }
        }

        if (name is null)
            throw new RistbondException($"{what}: missing name=; expected {Help}");
        if (listen is null)
            throw new RistbondException($"{what} ({name}): missing listen=HOST:PORT (port 0 picks a free one)");
        if (target is null || target.Port == 0)
            throw new RistbondException($"{what} ({name}): missing target=HOST:PORT with a non-zero port");
        DirectionProfile upProfile = up.Build($"{what} ({name}) up");
        DirectionProfile downProfile = down.Build($"{what} ({name}) down");
        return new LinkConfig(name, listen, target, upProfile, downProfile);
    }

    sealed class ProfileBuilder
    {
        DirectionProfile _profile = DirectionProfile.Unimpaired;

        public bool TrySet(string key, string value, string where)
        {
            DirectionProfile? changed = key switch
            {
                "rate" => _profile with { RateBps = Units.ParseRate(value, where) },
                "queue" => _profile with { QueueMs = Positive(Units.ParseDurationMs(value, where), value, where), QueueBytes = null },
                "queue-bytes" => _profile with { QueueBytes = ParseBytes(value, where), QueueMs = null },
                "delay" => _profile with { DelayMs = Units.ParseDurationMs(value, where) },
                "jitter" => _profile with { JitterMs = Units.ParseDurationMs(value, where) },
                "loss" => _profile with { Loss = Units.ParseProbability(value, where) },
                "ge" => _profile with { Burst = ParseGilbertElliott(value, where) },
                _ => null,
            };
            if (changed is null)
                return false;
            _profile = changed;
            return true;
        }

        public DirectionProfile Build(string what)
        {
            _profile.Validate(what);
            return _profile;
        }

        static double Positive(double ms, string text, string where) =>
            ms > 0 ? ms : throw new RistbondException($"{where}: \"{text}\" must be longer than 0");

        static int ParseBytes(string text, string where) =>
            int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int bytes) && bytes > 0
                ? bytes
                : throw new RistbondException($"{where}: \"{text}\" is not a byte count; expected an integer > 0");

        static GilbertElliott ParseGilbertElliott(string text, string where)
        {
            string[] parts = text.Split('/');
            if (parts.Length is < 2 or > 4)
                throw new RistbondException($"{where}: \"{text}\" is not a Gilbert-Elliott model; expected P/R[/LOSS_GOOD[/LOSS_BAD]], like \"1%/20%\"");
            double p = Units.ParseProbability(parts[0], where + " p");
            double r = Units.ParseProbability(parts[1], where + " r");
            double good = parts.Length > 2 ? Units.ParseProbability(parts[2], where + " loss_good") : 0;
            double bad = parts.Length > 3 ? Units.ParseProbability(parts[3], where + " loss_bad") : 1;
            return new GilbertElliott(p, r, good, bad);
        }
    }
}
