using System.Net;
using Microsoft.Extensions.Logging;
using Ristbond.Appliance.Send;
using Ristbond.Ingest;
using Ristbond.Modems;
using Ristbond.Platform;
using Ristbond.Rist;

namespace Ristbond.Appliance.Config;

/// <summary>
/// The checks a well-formed configuration must still pass (what is required, each value's form, files that must
/// exist and secrets only their owner can read), and its translation into the <see cref="SendOptions"/> that
/// <c>ristbond send</c> would get: the service runs the same session. Relative paths are taken from the
/// configuration file's directory. Every problem is reported, each at its JSON path.
/// </summary>
public static class ConfigRules
{
    /// <summary>
    /// The options to run with, or null when <paramref name="problems"/> holds anything. <paramref name="receiver"/>
    /// is the receiver's URL with its secret: a change of it needs a restart.
    /// </summary>
    public static SendOptions? Apply(ServiceConfig config, ConfigProblems problems, string baseDirectory, out string? receiver)
    {
        var c = new Checker(problems, baseDirectory);
        receiver = c.Receiver(config.Receiver);
        string? input = c.Input(config.Input, "$.input");
        List<string> outputs = [];
        AutoConnectOptions? autoConnect = null;
        bool modems = c.Links(config.Links, receiver, outputs, ref autoConnect);
        BitrateConfig bitrate = config.Bitrate ?? new BitrateConfig();
        long start = c.Bitrate(bitrate.Start, "$.bitrate.start", 4_000_000);
        long min = c.Bitrate(bitrate.Min, "$.bitrate.min", 500_000);
        long max = c.Bitrate(bitrate.Max, "$.bitrate.max", 20_000_000);
        if (min > max && !problems.AnyWithin("$.bitrate"))
            problems.Add("$.bitrate.min", $"{Units.FormatBitrate(min)} is above $.bitrate.max {Units.FormatBitrate(max)}");
        if (bitrate.Udp is string udp && !(InputFactory.TryParseHostPort(udp, out string udpHost, out _) && udpHost.Length > 0))
            problems.Add("$.bitrate.udp", $"expected ADDRESS:PORT, got '{udp}'");
        string? statusListen = config.Status?.Listen;
        // The status server's own parser: what passes the check is what the server will take.
        if (statusListen is not null && !Web.StatusListenOptions.TryParseEndpoint(statusListen, out _, out _))
            problems.Add("$.status.listen", $"expected ADDRESS:PORT (an IP address or localhost, e.g. 127.0.0.1:8080), got '{statusListen}'");
        string? tokenFile = c.PrivateFile(config.Status?.TokenFile, "$.status.token_file");
        string? boardProfile = c.ExistingFile(config.BoardProfile, "$.board_profile");
        TimeSpan connectTimeout = c.Duration(config.ConnectTimeout, "$.connect_timeout", TimeSpan.Zero);
        LogLevel logLevel = config.LogLevel switch
        {
            null or "info" => LogLevel.Information,
            "debug" => LogLevel.Debug,
            "warning" => LogLevel.Warning,
            string other => c.Fail("$.log_level", $"expected debug, info or warning, got '{other}'", LogLevel.Information),
        };
        if (config.FlowId is uint flow && flow % 2 != 0)
            problems.Add("$.flow_id", $"{flow} is odd; RIST flow ids are even");
        int latencyBudget = config.LatencyBudgetMs ?? new Ingest.Pacing.PacerOptions().LatencyBudgetMs;
        if (latencyBudget is < Ingest.Pacing.PacerOptions.MinLatencyBudgetMs or > Ingest.Pacing.PacerOptions.MaxLatencyBudgetMs)
            problems.Add("$.latency_budget_ms", $"{latencyBudget} is outside {Ingest.Pacing.PacerOptions.MinLatencyBudgetMs}..{Ingest.Pacing.PacerOptions.MaxLatencyBudgetMs} ms");

        if (problems.Count > 0)
            return null;
        return new SendOptions
        {
            Input = input!,
            Outputs = outputs,
            Loop = config.Loop ?? false,
            TestBitrateBps = start,
            MinBitrateBps = min,
            MaxBitrateBps = max,
            StaticWeights = bitrate.StaticWeights ?? false,
            BitrateCommand = bitrate.Command,
            BitrateUdp = bitrate.Udp,
            StatsJson = c.Path(config.StatsJson),
            ControlTrace = c.Path(config.ControlTrace),
            ControlSocket = c.Path(config.ControlSocket),
            ConnectTimeout = connectTimeout,
            ModemTemplate = modems ? receiver : null,
            AutoConnect = autoConnect,
            FlowId = config.FlowId ?? 0,
            StatusListen = statusListen,
            StatusTokenFile = tokenFile,
            BoardProfile = boardProfile,
            LogLevel = logLevel,
            Pacer = new Ingest.Pacing.PacerOptions { LatencyBudgetMs = latencyBudget },
            Video = new Ingest.VideoInputOptions { LatencyBudgetMilliseconds = latencyBudget, IntraRefresh = config.IntraRefresh ?? true },
        };
    }

    sealed class Checker(ConfigProblems problems, string baseDirectory)
    {
        /// <summary>The receiver's URL with the secret in it (what each link is made from); null if wrong.</summary>
        public string? Receiver(ReceiverConfig? receiver)
        {
            if (Missing(receiver?.Url, "$.receiver.url", "the studio's rist://host:port"))
                return null;
            RistUrl? url = Url(receiver!.Url!, "$.receiver.url");
            if (url is not null)
            {
                if (url[RistUrl.NameParameter] is not null)
                    problems.Add("$.receiver.url", "name= names a link: set $.links[].name instead");
                if (url["miface"] is not null)
                    problems.Add("$.receiver.url", "miface= is per link: set $.links[].interface instead");
                if (url["aes-type"] is not null)
                    problems.Add("$.receiver.url", "aes-type= belongs in $.receiver.aes_type");
            }
            if (receiver.AesType is int aes && aes is not (128 or 192 or 256))
                problems.Add("$.receiver.aes_type", $"must be 128, 192 or 256, got {aes}");
            if (receiver.AesType is not null && receiver.SecretFile is null)
                problems.Add("$.receiver.aes_type", "needs $.receiver.secret_file (the pre-shared passphrase)");
            string? secret = Secret(receiver.SecretFile, "$.receiver.secret_file");
            if (url is null || problems.AnyWithin("$.receiver"))
                return null;
            return secret is null ? url.Original
                : url.With(new("secret", secret), new("aes-type", (receiver.AesType ?? 256).ToString(System.Globalization.CultureInfo.InvariantCulture))).Original;
        }

        /// <summary>
        /// Static links into <paramref name="outputs"/> (URLs with name=, miface=, weight= and the secret). True when a
        /// <c>{"modems": true}</c> entry asks for the modems' links too (made from the receiver's URL, beside the static ones).
        /// </summary>
        public bool Links(IReadOnlyList<LinkConfig?>? links, string? receiver, List<string> outputs, ref AutoConnectOptions? autoConnect)
        {
            if (links is null || links.Count == 0)
            {
                if (!problems.HasAt("$.links"))
                    problems.Add("$.links", "missing: give at least one link ({\"interface\": \"eth0\"}, {\"url\": \"rist://…\"} or {\"modems\": true})");
                return false;
            }
            int modemEntries = links.Count(l => l?.Modems == true);
            var names = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int i = 0; i < links.Count; i++)
            {
                string path = $"$.links[{i}]";
                if (links[i] is not LinkConfig link)
                    continue;
                if (link.Modems == true)
                {
                    if (modemEntries > 1)
                        problems.Add(path, "only one {\"modems\": true} entry (it stands for every modem)");
                    autoConnect = ModemEntry(link, path);
                    continue;
                }
                StaticLink(link, path, receiver, modemEntries > 0, names, outputs);
            }
            return modemEntries > 0;
        }

        void StaticLink(LinkConfig link, string path, string? receiver, bool besideModems, Dictionary<string, string> names, List<string> outputs)
        {
            foreach (var (key, given) in new[] { ("apn", link.Apn), ("apn_user", link.ApnUser), ("apn_password_file", link.ApnPasswordFile), ("sim_pin_file", link.SimPinFile), ("reenable_after", link.ReenableAfter) })
            {
                if (given is not null)
                    problems.Add($"{path}.{key}", "only in a {\"modems\": true} entry");
            }
            RistUrl? url = link.Url is string own ? Url(own, $"{path}.url") : null;
            if (url?[RistUrl.NameParameter] is string urlName && link.Name is not null)
                problems.Add($"{path}.name", $"the url already names the link '{urlName}'; give the name once");
            if (url?["miface"] is not null && link.Interface is not null)
                problems.Add($"{path}.interface", "the url already sets miface=; give the interface once");
            if (link.Name is string name && !RistUrl.IsValidName(name))
                problems.Add($"{path}.name", $"'{name}' must be 1-32 letters, digits, '-', '_' or '.'");
            if (link.Interface is string iface && !IsInterfaceName(iface))
                problems.Add($"{path}.interface", $"'{iface}' is not a network interface name (1-15 characters, no '/', ':' or spaces)");
            if (link.Url is null && link.Interface is null && link.Name is null && link.Weight is null && !problems.AnyWithin(path))
                problems.Add(path, "an empty link: give its interface, url or name, or {\"modems\": true}");
            if (problems.AnyWithin(path))
                return;

            string effectiveName = url?[RistUrl.NameParameter] ?? link.Name ?? link.Interface ?? $"link{outputs.Count + 1}";
            if (effectiveName.StartsWith(ModemLinkReconciler.LinkPrefix, StringComparison.Ordinal) && besideModems)
            {
                problems.Add(path, $"the name '{effectiveName}' looks like a modem's link (modem-<IMEI last 4 or interface>): name static links otherwise");
                return;
            }
            if (names.TryGetValue(effectiveName, out string? first))
            {
                problems.Add(path, $"the name '{effectiveName}' is taken by {first} (names must differ)");
                return;
            }
            names[effectiveName] = path;
            RistUrl? template = url ?? (receiver is null ? null : RistUrl.Parse(receiver, "$.receiver.url"));
            if (template is null)
                return;
            var overrides = new List<KeyValuePair<string, string>> { new(RistUrl.NameParameter, effectiveName) };
            if (link.Interface is string miface)
                overrides.Add(new("miface", miface));
            if (link.Weight is uint weight)
                overrides.Add(new("weight", weight.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            if (url is not null && receiver is not null && RistUrl.Parse(receiver, "$.receiver.url") is { } r && r["secret"] is string secret)
            {
                overrides.Add(new("secret", secret));
                overrides.Add(new("aes-type", r["aes-type"]!));
            }
            outputs.Add(template.With([.. overrides]).Original);
        }

        AutoConnectOptions? ModemEntry(LinkConfig link, string path)
        {
            foreach (var (key, given) in new[] { ("url", link.Url), ("interface", link.Interface), ("name", link.Name), ("weight", link.Weight?.ToString(System.Globalization.CultureInfo.InvariantCulture)) })
            {
                if (given is not null)
                    problems.Add($"{path}.{key}", "not in a {\"modems\": true} entry: each modem's link is made from $.receiver.url and named by its IMEI");
            }
            if (link.Apn is null)
            {
                foreach (var (key, given) in new[] { ("apn_user", link.ApnUser), ("apn_password_file", link.ApnPasswordFile), ("sim_pin_file", link.SimPinFile), ("reenable_after", link.ReenableAfter) })
                {
                    if (given is not null)
                        problems.Add($"{path}.{key}", $"needs {path}.apn (ristbond connects modems only when given an APN)");
                }
            }
            string? password = Secret(link.ApnPasswordFile, $"{path}.apn_password_file");
            string? pin = Secret(link.SimPinFile, $"{path}.sim_pin_file");
            TimeSpan stuckAfter = Duration(link.ReenableAfter, $"{path}.reenable_after", TimeSpan.FromMinutes(2));
            if (link.Apn is not string apn)
                return null;
            if (apn.Length == 0)
                problems.Add($"{path}.apn", "is empty");
            return new AutoConnectOptions { Apn = apn, User = link.ApnUser, Password = password, Pin = pin, StuckAfter = stuckAfter };
        }

        public string? Input(string? input, string path)
        {
            if (Missing(input, path, "udp://@:5000, rtp://…, a .ts file or testsrc"))
                return null;
            if (input is InputFactory.TestSourceName or "testsrc://")
                return input;
            int schemeEnd = input!.IndexOf("://", StringComparison.Ordinal);
            string scheme = schemeEnd < 0 ? "" : input[..schemeEnd].ToLowerInvariant();
            if (scheme is "udp" or "rtp")
            {
                string rest = input[(schemeEnd + 3)..];
                int query = rest.IndexOf('?');
                rest = (query < 0 ? rest : rest[..query]).TrimStart('@').TrimEnd('/');
                if (!InputFactory.TryParseHostPort(rest, out _, out _))
                    problems.Add(path, $"expected {scheme}://[@][address]:port with a port from 1 to 65535, got '{input}'");
                return input;
            }
            if (scheme is not ("" or "file"))
                return Fail<string?>(path, $"unknown scheme '{scheme}' in '{input}' (use udp://, rtp://, a .ts file or testsrc)", null);
            string file = Path(schemeEnd < 0 ? input : input[(schemeEnd + 3)..])!;
            return File.Exists(file) ? file : Fail<string?>(path, $"no such file '{file}'", null);
        }

        public long Bitrate(string? text, string path, long fallback)
        {
            if (text is null)
                return fallback;
            return Units.TryParseBitrate(text, out long bps) && bps > 0 ? bps : Fail(path, $"'{text}' is not a bit rate (e.g. \"6M\", \"2500k\", \"800000\")", fallback);
        }

        public TimeSpan Duration(string? text, string path, TimeSpan fallback)
        {
            if (text is null)
                return fallback;
            return Units.TryParseDuration(text, out TimeSpan duration, bareUnit: "s") ? duration : Fail(path, $"'{text}' is not a duration (e.g. \"10s\", \"500ms\", \"2m\")", fallback);
        }

        /// <summary>A secret file's content, checked (exists, mode 0600/0400, not empty, fits in a URL); never in a message.</summary>
        string? Secret(string? file, string path)
        {
            string? full = PrivateFile(file, path);
            if (full is null)
                return null;
            try
            {
                string secret = SecretFile.Read(full, path)!;
                // librist takes the passphrase inside a URL and does not decode it: only characters that need no escaping.
                if (!secret.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '.' or '_' or '~'))
                    return Fail<string?>(path, $"'{full}': the secret may hold only letters, digits, '-', '.', '_' and '~' (librist reads it from a URL)", null);
                return secret;
            }
            catch (RistbondException e)
            {
                problems.AddMessage(path, e.Message);
                return null;
            }
        }

        public string? PrivateFile(string? file, string path)
        {
            if (file is null)
                return null;
            string full = Path(file)!;
            try
            {
                SecretFile.CheckPrivate(full, path);
                return full;
            }
            catch (RistbondException e)
            {
                problems.AddMessage(path, e.Message);
                return null;
            }
        }

        public string? ExistingFile(string? file, string path)
        {
            if (file is null)
                return null;
            string full = Path(file)!;
            return File.Exists(full) ? full : Fail<string?>(path, $"no such file '{full}'", null);
        }

        /// <summary>A path from the configuration: relative ones are relative to the file's directory; "-" (stdout) stays.</summary>
        public string? Path(string? path) =>
            path is null or "-" ? path : System.IO.Path.GetFullPath(path, baseDirectory);

        RistUrl? Url(string text, string path)
        {
            // Said before RistUrl judges the secret's aes-type: here the secret has no business in the URL at all.
            if (text.Contains("?secret=", StringComparison.Ordinal) || text.Contains("&secret=", StringComparison.Ordinal))
            {
                problems.Add(path, "holds a secret: put the passphrase in a file named by $.receiver.secret_file (mode 0600), not in the configuration");
                return null;
            }
            try
            {
                return RistUrl.Parse(text, path);
            }
            catch (RistbondException e)
            {
                problems.AddMessage(path, e.Message + (e.Message.Contains("expected rist://", StringComparison.Ordinal) ? "" : " (expected rist://host:port)"));
                return null;
            }
        }

        bool Missing(string? value, string path, string example)
        {
            if (value is not null)
                return false;
            if (!problems.HasAt(path))
                problems.Add(path, $"missing ({example})");
            return true;
        }

        public T Fail<T>(string path, string why, T fallback)
        {
            problems.Add(path, why);
            return fallback;
        }

        static bool IsInterfaceName(string name) =>
            name.Length is >= 1 and <= 15 && !name.Any(ch => ch is '/' or ':' || char.IsWhiteSpace(ch) || char.IsControl(ch));
    }
}
