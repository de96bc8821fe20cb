using System.Diagnostics;
using System.Text.Json;
using System.Xml.Linq;
using Ristbond.Modems.Bus;
using Ristbond.Modems.Tests.Harness;

namespace Ristbond.Modems.Tests;

/// <summary>
/// The stand-in must say what ModemManager says: every interface, property and method it declares is compared with
/// ModemManager's introspection XML (modemmanager-dev), and what it really sends over the bus with its declarations.
/// </summary>
[Collection(ModemBusCollection.Name)]
public sealed class StandInSchemaTests
{
    const string XmlDirectory = "/usr/share/dbus-1/interfaces";

    /// <summary>interface → (properties: name → type, methods: name → (in, out)) from ModemManager's XML files.</summary>
    static Dictionary<string, (Dictionary<string, string> Properties, Dictionary<string, (string In, string Out)> Methods)> ModemManagerXml()
    {
        var interfaces = new Dictionary<string, (Dictionary<string, string>, Dictionary<string, (string, string)>)>();
        foreach (string file in Directory.GetFiles(XmlDirectory, "org.freedesktop.ModemManager1*.xml"))
        {
            foreach (XElement element in XDocument.Load(file).Descendants("interface"))
            {
                var properties = element.Elements("property").ToDictionary(p => (string)p.Attribute("name")!, p => (string)p.Attribute("type")!);
                var methods = element.Elements("method").ToDictionary(
                    m => (string)m.Attribute("name")!,
                    m => (string.Concat(m.Elements("arg").Where(a => (string?)a.Attribute("direction") != "out").Select(a => (string)a.Attribute("type")!)),
                          string.Concat(m.Elements("arg").Where(a => (string?)a.Attribute("direction") == "out").Select(a => (string)a.Attribute("type")!))));
                interfaces[(string)element.Attribute("name")!] = (properties, methods);
            }
        }
        return interfaces;
    }

    static JsonElement StandInSchema()
    {
        var start = new ProcessStartInfo(StandInProcess.Python, [StandInProcess.ScriptPath, "--print-schema"]) { RedirectStandardOutput = true };
        using Process process = Process.Start(start)!;
        string json = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return JsonDocument.Parse(json).RootElement;
    }

    [Fact]
    public void Every_declared_property_and_method_matches_ModemManagers_introspection_XML()
    {
        var xml = ModemManagerXml();
        Assert.True(xml.Count >= 15, $"ModemManager's XML not found in {XmlDirectory} (install modemmanager-dev)");
        var mismatches = new List<string>();
        int checkedItems = 0;
        foreach (JsonProperty iface in StandInSchema().EnumerateObject())
        {
            if (!xml.TryGetValue(iface.Name, out var expected))
            {
                mismatches.Add($"{iface.Name}: no such interface in ModemManager");
                continue;
            }
            foreach (JsonProperty property in iface.Value.GetProperty("properties").EnumerateObject())
            {
                checkedItems++;
                if (!expected.Properties.TryGetValue(property.Name, out string? type))
                    mismatches.Add($"{iface.Name}.{property.Name}: no such property");
                else if (type != property.Value.GetString())
                    mismatches.Add($"{iface.Name}.{property.Name}: stand-in '{property.Value.GetString()}', ModemManager '{type}'");
            }
            foreach (JsonProperty method in iface.Value.GetProperty("methods").EnumerateObject())
            {
                checkedItems++;
                string actual = $"({method.Value[0].GetString()}) → ({method.Value[1].GetString()})";
                if (!expected.Methods.TryGetValue(method.Name, out var signature))
                    mismatches.Add($"{iface.Name}.{method.Name}: no such method");
                else if ($"({signature.In}) → ({signature.Out})" != actual)
                    mismatches.Add($"{iface.Name}.{method.Name}: stand-in {actual}, ModemManager ({signature.In}) → ({signature.Out})");
            }
        }
        Assert.True(mismatches.Count == 0, string.Join('\n', mismatches));
        Assert.True(checkedItems > 60, $"only {checkedItems} items checked");
    }

    [Fact]
    public void What_the_stand_in_sends_has_the_types_ModemManager_documents()
    {
        var xml = ModemManagerXml();
        using var bus = PrivateSystemBus.Start();
        using var standIn = StandInProcess.Start(bus);
        string modem = standIn.AddModem("0", "356938035643809", bearerInterface: "wwan0", lte: new { rsrp = -85.0, rsrq = -9.0, snr = 18.0 });
        using SdBusConnection connection = SdBusConnection.Open(bus.Address);

        var seen = new List<string>();
        foreach (string iface in (string[])["org.freedesktop.ModemManager1.Modem", "org.freedesktop.ModemManager1.Modem.Modem3gpp", "org.freedesktop.ModemManager1.Modem.Signal"])
            seen.AddRange(SentTypes(connection, modem, iface, xml[iface].Properties));
        seen.AddRange(SentTypes(connection, "/org/freedesktop/ModemManager1/Bearer/0", "org.freedesktop.ModemManager1.Bearer", xml["org.freedesktop.ModemManager1.Bearer"].Properties));
        Assert.True(seen.Count > 40, $"only {seen.Count} properties read");
    }

    /// <summary>Properties.GetAll over the bus; asserts each value's variant type is the XML's; returns the names read.</summary>
    static List<string> SentTypes(SdBusConnection connection, string path, string iface, Dictionary<string, string> documented)
    {
        using SdBusMessageHandle call = connection.NewMethodCall("org.freedesktop.ModemManager1", path, "org.freedesktop.DBus.Properties", "GetAll");
        new DBusWriter(call).String(iface);
        Assert.True(connection.TryCall(call, TimeSpan.FromSeconds(5), out SdBusMessageHandle reply, out BusError error), $"{path} {iface}: {error}");
        using (reply)
        {
            var names = new List<string>();
            var reader = new DBusReader(reply);
            Assert.True(reader.TryEnterProperties());
            var cursor = new DBusReader.PropertyCursor();
            while (reader.NextProperty(ref cursor, out string name, out string signature))
            {
                Assert.True(documented.TryGetValue(name, out string? type), $"{iface}.{name} is not a ModemManager property");
                Assert.True(type == signature, $"{iface}.{name}: sent '{signature}', documented '{type}'");
                names.Add(name);
            }
            return names;
        }
    }
}
