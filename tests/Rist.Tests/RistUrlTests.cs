using Ristbond.Platform;
using Ristbond.Rist;

namespace Ristbond.Rist.Tests;

public sealed class RistUrlTests
{
    [Fact]
    public void Parses_host_port_and_parameters()
    {
        RistUrl url = RistUrl.Parse("rist://10.0.0.1:5000?name=lte1&buffer=2000&cname=van");
        Assert.Equal("10.0.0.1", url.Host);
        Assert.Equal(5000, url.Port);
        Assert.Equal("lte1", url["name"]);
        Assert.Equal("2000", url["buffer"]);
        Assert.Null(url["weight"]);
    }

    [Fact]
    public void Librist_url_drops_our_name_and_applies_overrides()
    {
        RistUrl url = RistUrl.Parse("rist://studio.example:5000?name=lte1&weight=3&cname=van");
        Assert.Equal("rist://studio.example:5000?cname=van&weight=5", url.ToLibrist(new KeyValuePair<string, string>("weight", "5")));
    }

    [Fact]
    public void Ipv6_hosts_need_brackets()
    {
        Assert.Equal("[::1]", RistUrl.Parse("rist://[::1]:5000").Host);
        var e = Assert.Throws<RistbondException>(() => RistUrl.Parse("rist://::1:5000"));
        Assert.Contains("brackets", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rist://host", "missing port")]
    [InlineData("rist://host:0", "port '0'")]
    [InlineData("rist://host:65536", "port '65536'")]
    [InlineData("rist://host:port", "port 'port'")]
    [InlineData("rist://:5000", "missing host")]
    [InlineData("udp://host:5000", "only rist://")]
    [InlineData("host:5000", "expected rist://host:port")]
    [InlineData("rist://@host:5000", "listen mode")]
    [InlineData("rist://host:5000?bogus=1", "unknown parameter 'bogus'")]
    [InlineData("rist://host:5000?buffer=1s", "buffer='1s'")]
    [InlineData("rist://host:5000?weight=1&weight=2", "given twice")]
    [InlineData("rist://host:5000?aes-type=256", "needs a secret")]
    [InlineData("rist://host:5000?secret=x&aes-type=100", "aes-type=100")]
    [InlineData("rist://host:5000?secret=x", "secret= needs aes-type=128, 192 or 256")]
    [InlineData("rist://host:5000?username=van&secret=x&aes-type=256", "username= (SRP authentication) is not available")]
    [InlineData("rist://host:5000?password=pw", "password= (SRP authentication) is not available")]
    [InlineData("rist://host:5000?profile=0", "Main profile")]
    [InlineData("rist://host:5000?name=a%20b", "name 'a b'")]
    public void Rejects_with_the_option_url_and_reason(string text, string why)
    {
        var e = Assert.Throws<RistbondException>(() => RistUrl.Parse(text, "--output"));
        Assert.StartsWith("--output '", e.Message, StringComparison.Ordinal);
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.BadInput, e.ExitCode);
    }

    [Fact]
    public void Secrets_never_appear_in_errors_or_display()
    {
        var e = Assert.Throws<RistbondException>(() => RistUrl.Parse("rist://host:5000?secret=hunter2&aes-type=999"));
        Assert.DoesNotContain("hunter2", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<RistbondException>(() => RistUrl.Parse("rist://host:5000?username=u&password=hunter2"));
        Assert.DoesNotContain("hunter2", e.Message, StringComparison.Ordinal);
        Assert.Equal("rist://host:5000?secret=***&aes-type=256&password=***&username=u",
            RistUrl.Redact("rist://host:5000?secret=hunter2&aes-type=256&password=pw&username=u"));
        RistUrl url = RistUrl.Parse("rist://host:5000?secret=hunter2&aes-type=256");
        Assert.Equal("rist://host:5000?secret=***&aes-type=256", url.Redacted);
        Assert.Equal(url.Redacted, url.ToString());
    }

    [Fact]
    public void With_replaces_and_adds_parameters_and_keeps_the_rest_in_order()
    {
        RistUrl template = RistUrl.Parse("rist://[2001:db8::1]:5000?name=lte&buffer=2000&cname=van");
        RistUrl link = template.With(new("name", "wwan0"), new("miface", "wwan0"));
        Assert.Equal("rist://[2001:db8::1]:5000?buffer=2000&cname=van&name=wwan0&miface=wwan0", link.Original);
        Assert.Equal(("[2001:db8::1]", 5000), (link.Host, link.Port));
        Assert.Equal("wwan0", link["name"]);
        Assert.Equal("lte", template["name"]); // the template is not changed
        Assert.Equal(template.Original, template.With().Original);
    }

    [Fact]
    public void With_escapes_values_so_they_read_back_unchanged()
    {
        RistUrl link = RistUrl.Parse("rist://host:5000").With(new("secret", "p&ss=w?rd 1"), new("aes-type", "256"));
        Assert.Equal("p&ss=w?rd 1", link["secret"]);
        Assert.Equal("rist://host:5000?secret=***&aes-type=256", link.Redacted);
    }

    [Fact]
    public void With_checks_the_result_like_any_url()
    {
        RistUrl template = RistUrl.Parse("rist://host:5000?name=lte");
        var e = Assert.Throws<RistbondException>(() => template.With(new KeyValuePair<string, string>("name", "a b")));
        Assert.Contains("name 'a b'", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<RistbondException>(() => template.With(new KeyValuePair<string, string>("aes-type", "256")));
        Assert.Contains("needs a secret", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Splits_comma_separated_lists_but_keeps_commas_inside_a_url()
    {
        string[] urls = [.. RistUrl.SplitList("rist://a:1?cname=x,y,rist://b:2, rist://c:3")];
        Assert.Equal(["rist://a:1?cname=x,y", "rist://b:2", "rist://c:3"], urls);
    }

    [Fact]
    public void Unresolvable_host_names_the_url()
    {
        var e = Assert.Throws<RistbondException>(() => RistUrl.Parse("rist://no-such-host.invalid:5000").ResolveReceiver());
        Assert.Contains("cannot resolve host 'no-such-host.invalid'", e.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.RuntimeFailure, e.ExitCode);
    }
}
