using Microsoft.Extensions.Logging;

namespace Ristbond.Modems.ModemManager;

/// <summary>
/// A property whose D-Bus type is not the one ModemManager documents is ignored and said once per (object,
/// property): a firmware quirk or a newer ModemManager must not crash the watcher, nor fill the journal.
/// </summary>
internal sealed class PropertyTypeReporter(ILogger log)
{
    // Bounded: object paths change when modems are re-plugged, and this must not grow for ever.
    const int MaxRemembered = 1024;

    readonly HashSet<(string Path, string Property)> _reported = [];

    public int Count => _reported.Count;

    public void WrongType(string path, string property, string expected, string actual)
    {
        if (_reported.Count >= MaxRemembered || !_reported.Add((path, property)))
            return;
        log.LogWarning("{Path}: ModemManager property {Property} has type '{Actual}', expected '{Expected}': ignored",
            path, property, actual, expected);
    }
}
