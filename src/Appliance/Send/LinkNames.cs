using Ristbond.Rist;

namespace Ristbond.Appliance.Send;

/// <summary>Link naming: the URL's name= if given, else the first free "linkN".</summary>
public static class LinkNames
{
    public static string For(RistUrl url, IEnumerable<string> taken)
    {
        if (url[RistUrl.NameParameter] is string name)
            return name;
        var used = taken.ToHashSet(StringComparer.Ordinal);
        for (int n = 1; ; n++)
        {
            string candidate = $"link{n}";
            if (!used.Contains(candidate))
                return candidate;
        }
    }
}
