using Ristbond.Appliance.Cli;
using Ristbond.Appliance.Config;

namespace Ristbond.Appliance.Tests;

/// <summary>
/// <c>ristbond config check</c> and what <c>run</c> makes of a file: every problem at once, each with its line and
/// JSON path; a good file becomes the same options <c>send</c> would get.
/// </summary>
public sealed class ConfigCheckTests : IDisposable
{
    readonly ConfigFiles _files = new();

    public void Dispose() => _files.Dispose();

    (int Code, string[] Errors, string Output) Check(string json)
    {
        string path = _files.WriteConfig(json);
        var error = new StringWriter();
        var output = new StringWriter();
        int code = RistbondCli.Run(["config", "check", path], error, output);
        return (code, error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), output.ToString());
    }

    [Fact]
    public void Every_problem_is_reported_with_its_line_and_path()
    {
        var (code, errors, _) = Check("""
            {
              "receiver": { "url": "rist://studio.example:6000", "secert_file": "x" },
              "input": "udp://@:99999",
              "links": [
                { "interface": "eth0" },
                { "url": "udp://10.0.0.1:5000" },
                { "modems": "yes" },
                { "interface": "eth1", "weight": -1 }
              ],
              "bitrate": { "min": "30M", "max": 12000000 },
              "log_level": "loud"
            }
            """);
        Assert.Equal(2, code);
        string p = _files.ConfigPath;
        Assert.Equal(
        [
            $"{p}:2: $.receiver.secert_file: unknown key 'secert_file' (did you mean 'secret_file'?)",
            $"{p}:3: $.input: expected udp://[@][address]:port with a port from 1 to 65535, got 'udp://@:99999'",
            $"{p}:6: $.links[1].url 'udp://10.0.0.1:5000': only rist:// URLs can be bonded (expected rist://host:port)",
            $"{p}:7: $.links[2].modems: expected true or false, got the string 'yes'",
            $"{p}:8: $.links[3].weight: expected a whole number from 0 to 4294967295, got the number -1",
            $"{p}:10: $.bitrate.max: expected a string, got the number 12000000 (in quotes: \"12000000\")",
            $"{p}:11: $.log_level: expected debug, info or warning, got 'loud'",
        ], errors);
    }

    [Fact]
    public void Missing_keys_are_reported_at_their_object()
    {
        var (code, errors, _) = Check("""
            {
              "receiver": {},
              "bitrate": { "min": "8M", "max": "4M" }
            }
            """);
        Assert.Equal(2, code);
        Assert.Contains(errors, e => e.EndsWith(":2: $.receiver.url: missing (the studio's rist://host:port)", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.EndsWith(":1: $.input: missing (udp://@:5000, rtp://…, a .ts file or testsrc)", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains(":1: $.links: missing", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.EndsWith(":3: $.bitrate.min: 8 Mbps is above $.bitrate.max 4 Mbps", StringComparison.Ordinal));
    }

    [Fact]
    public void A_json_syntax_error_names_line_and_column()
    {
        var (code, errors, _) = Check("{\n  \"input\": \"testsrc\",\n  \"links\": [ {\"interface\": \"eth0\"}\n    \"x\"\n  ]\n}");
        Assert.Equal(2, code);
        string error = Assert.Single(errors);
        Assert.StartsWith($"{_files.ConfigPath}:4:5: invalid JSON: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_given_twice_and_names_taken_twice_are_errors()
    {
        var (_, errors, _) = Check("""
            {
              "receiver": { "url": "rist://studio.example:6000" },
              "input": "testsrc",
              "input": "testsrc",
              "links": [ { "interface": "eth0" }, { "name": "eth0", "url": "rist://other.example:6000" } ]
            }
            """);
        Assert.Contains(errors, e => e.EndsWith(":4: $.input: 'input' is given twice", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.EndsWith(":5: $.links[1]: the name 'eth0' is taken by $.links[0] (names must differ)", StringComparison.Ordinal));
    }

    [Fact]
    public void A_good_file_becomes_the_options_send_would_get()
    {
        _files.Write("secret", "s3cret-passphrase\n");
        string path = _files.WriteConfig("""
            // comments are allowed: the file is edited by hand
            {
              "receiver": { "url": "rist://studio.example:6000?buffer=800", "secret_file": "secret" },
              "input": "udp://@:5000",
              "links": [
                { "interface": "eth0" },
                { "name": "backup", "url": "rist://backup.example:7000", "weight": 2 },
              ],
              "bitrate": { "min": "1M", "max": "12M" },
              "status": { "listen": "127.0.0.1:8080" },
              "stats_json": "stats.jsonl",
            }
            """);
        ConfigFile file = ConfigFile.Load(path);
        Assert.True(file.IsValid, string.Join('\n', file.ProblemLines));
        var options = file.Options!;
        Assert.Equal(
        [
            "rist://studio.example:6000?buffer=800&secret=s3cret-passphrase&aes-type=256&name=eth0&miface=eth0",
            "rist://backup.example:7000?name=backup&weight=2&secret=s3cret-passphrase&aes-type=256",
        ], options.Outputs);
        Assert.Equal("udp://@:5000", options.Input);
        Assert.Equal((1_000_000, 12_000_000), (options.MinBitrateBps, options.MaxBitrateBps));
        Assert.Equal("127.0.0.1:8080", options.StatusListen);
        Assert.Equal(Path.Combine(_files.Directory, "stats.jsonl"), options.StatsJson);
        Assert.Equal(TimeSpan.Zero, options.ConnectTimeout); // a service waits for its studio
        Assert.False(options.Modems);
    }

    [Fact]
    public void A_modems_entry_makes_the_receiver_the_template_and_connects_with_the_apn()
    {
        _files.Write("pin", "1234");
        string path = _files.WriteConfig("""
            {
              "receiver": { "url": "rist://studio.example:6000" },
              "input": "testsrc",
              "links": [ { "modems": true, "apn": "internet", "sim_pin_file": "pin", "reenable_after": "90s" } ]
            }
            """);
        var options = ConfigFile.Load(path).Options!;
        Assert.True(options.Modems);
        Assert.Equal("rist://studio.example:6000", options.ModemTemplate);
        Assert.Empty(options.Outputs);
        Assert.Equal("internet", options.AutoConnect!.Apn);
        Assert.Equal("1234", options.AutoConnect.Pin);
        Assert.Equal(TimeSpan.FromSeconds(90), options.AutoConnect.StuckAfter);
    }

    [Fact]
    public void Modems_beside_static_links_keep_both_and_the_check_says_so()
    {
        _files.Write("secret", "s3cret");
        var (code, errors, output) = Check("""
            {
              "receiver": { "url": "rist://studio.example:6000", "secret_file": "secret" },
              "input": "testsrc",
              "links": [
                { "interface": "eth0" },
                { "modems": true, "apn": "internet" },
                { "name": "wifi", "url": "rist://studio-wifi.example:6000" }
              ]
            }
            """);
        Assert.True(code == 0, string.Join('\n', errors));
        Assert.Contains("links from the modems and 2 static link(s)", output, StringComparison.Ordinal);
        var options = ConfigFile.Load(_files.ConfigPath).Options!;
        // The modems' template carries the secret; each static link keeps its own name, interface and the secret.
        Assert.Equal("rist://studio.example:6000?secret=s3cret&aes-type=256", options.ModemTemplate);
        Assert.Equal(
        [
            "rist://studio.example:6000?secret=s3cret&aes-type=256&name=eth0&miface=eth0",
            "rist://studio-wifi.example:6000?name=wifi&secret=s3cret&aes-type=256",
        ], options.Outputs);
        Assert.Equal("internet", options.AutoConnect!.Apn);
    }

    [Fact]
    public void A_static_link_beside_modems_may_not_take_a_modem_link_name()
    {
        var (code, errors, _) = Check("""
            {
              "receiver": { "url": "rist://studio.example:6000" },
              "input": "testsrc",
              "links": [ { "modems": true }, { "name": "modem-0011", "interface": "eth0" } ]
            }
            """);
        Assert.Equal(2, code);
        Assert.Contains(errors, e => e.EndsWith(":4: $.links[1]: the name 'modem-0011' looks like a modem's link (modem-<IMEI last 4 or interface>): name static links otherwise", StringComparison.Ordinal));
    }

    [Fact]
    public void Link_keys_in_a_modems_entry_and_modem_keys_in_a_static_link_are_refused()
    {
        var (_, errors, _) = Check("""
            {
              "receiver": { "url": "rist://studio.example:6000" },
              "input": "testsrc",
              "links": [
                { "modems": true, "interface": "wwan0", "apn_user": "u" },
                { "interface": "eth0", "apn": "internet" }
              ]
            }
            """);
        Assert.DoesNotContain(errors, e => e.Contains("cannot be combined", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains(":5: $.links[0].interface: not in a {\"modems\": true} entry", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.EndsWith(":5: $.links[0].apn_user: needs $.links[0].apn (ristbond connects modems only when given an APN)", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.EndsWith(":6: $.links[1].apn: only in a {\"modems\": true} entry", StringComparison.Ordinal));
    }

    [Fact]
    public void A_secret_readable_by_others_is_refused_and_never_shown()
    {
        string secret = _files.Write("secret", "TopSecretPassphrase", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var (code, errors, _) = Check("""
            { "receiver": { "url": "rist://studio.example:6000", "secret_file": "secret" }, "input": "testsrc", "links": [ { "interface": "eth0" } ] }
            """);
        Assert.Equal(2, code);
        Assert.Equal($"{_files.ConfigPath}:1: $.receiver.secret_file '{secret}': mode 0644 gives other users access to a secret; make it readable by its owner only (chmod 600)",
            Assert.Single(errors));

        File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.GroupRead);
        Assert.Contains("mode 0440 gives its group access", Assert.Single(Check(File.ReadAllText(_files.ConfigPath)).Errors), StringComparison.Ordinal);

        File.SetUnixFileMode(secret, UnixFileMode.UserRead);
        Assert.Equal(0, Check(File.ReadAllText(_files.ConfigPath)).Code);
    }

    [Fact]
    public void A_secret_in_a_url_is_refused_without_repeating_it()
    {
        var (_, errors, _) = Check("""
            { "receiver": { "url": "rist://studio.example:6000?secret=TopSecretPassphrase&aes-type=256" }, "input": "testsrc", "links": [ { "interface": "eth0" } ] }
            """);
        Assert.Contains(errors, e => e.Contains("$.receiver.url: holds a secret: put the passphrase in a file named by $.receiver.secret_file", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Contains("TopSecretPassphrase", StringComparison.Ordinal));
    }

    [Fact]
    public void A_secret_without_aes_type_in_a_url_is_still_called_a_secret_in_the_wrong_place()
    {
        var (_, errors, _) = Check("""
            { "receiver": { "url": "rist://studio.example:6000?secret=TopSecretPassphrase" }, "input": "testsrc", "links": [ { "interface": "eth0" } ] }
            """);
        Assert.Contains(errors, e => e.Contains("$.receiver.url: holds a secret", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Contains("TopSecretPassphrase", StringComparison.Ordinal));
    }

    [Fact]
    public void Srp_credentials_in_a_link_url_are_refused_in_one_line_without_the_password()
    {
        var (code, errors, _) = Check("""
            { "receiver": { "url": "rist://studio.example:6000" }, "input": "testsrc",
              "links": [ { "url": "rist://backup.example:7000?name=backup&username=van&password=Hunter2" } ] }
            """);
        Assert.Equal(2, code);
        string error = Assert.Single(errors);
        Assert.Contains("$.links[0].url", error, StringComparison.Ordinal);
        Assert.Contains("username= (SRP authentication) is not available", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Hunter2", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_secret_librist_cannot_take_in_a_url_is_named_but_not_shown()
    {
        _files.Write("secret", "pass&word");
        var (_, errors, _) = Check("""
            { "receiver": { "url": "rist://studio.example:6000", "secret_file": "secret" }, "input": "testsrc", "links": [ { "interface": "eth0" } ] }
            """);
        string error = Assert.Single(errors);
        Assert.Contains("the secret may hold only letters, digits", error, StringComparison.Ordinal);
        Assert.DoesNotContain("pass&word", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreadable_file_is_one_line()
    {
        var error = new StringWriter();
        int code = RistbondCli.Run(["config", "check", "/nonexistent/ristbond.json"], error, new StringWriter());
        Assert.Equal(2, code);
        Assert.Equal("/nonexistent/ristbond.json: cannot read: no such file", error.ToString().Trim());
    }

    [Fact]
    public void Run_with_a_bad_file_fails_in_one_line_before_anything_starts()
    {
        string path = _files.WriteConfig("""{ "input": "testsrc", "links": [ { "interface": "eth0" } ], "bitrat": {} }""");
        var error = new StringWriter();
        int code = RistbondCli.Run(["run", "--config", path], error, new StringWriter());
        Assert.Equal(2, code);
        Assert.Equal($"ristbond: {path}:1: $.bitrat: unknown key 'bitrat' (did you mean 'bitrate'?) (and 1 more: ristbond config check {path})", error.ToString().Trim());
    }

    [Fact]
    public void The_example_in_the_repository_has_no_problem_but_its_missing_files()
    {
        string example = Path.Combine(RepositoryRoot(), "packaging", "ristbond.json");
        ConfigFile file = ConfigFile.Load(example);
        // The example names files that exist only on a configured device; everything else in it must be right.
        Assert.All(file.Problems, p => Assert.Contains("no such file", p.Message, StringComparison.Ordinal));
        Assert.Equal(["$.receiver.secret_file", "$.board_profile", "$.status.token_file"], file.Problems.OrderBy(p => p.Line).Select(p => p.Path));
    }

    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ristbond.slnx")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException("ristbond.slnx not found above " + AppContext.BaseDirectory);
    }
}
