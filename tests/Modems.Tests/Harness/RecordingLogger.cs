using Microsoft.Extensions.Logging;

namespace Ristbond.Modems.Tests.Harness;

/// <summary>Keeps every line logged (from any thread) for assertions such as "said once".</summary>
public sealed class RecordingLogger : ILogger
{
    readonly Lock _lock = new();
    readonly List<(LogLevel Level, string Message)> _lines = [];

    public IReadOnlyList<(LogLevel Level, string Message)> Lines
    {
        get
        {
            lock (_lock)
                return [.. _lines];
        }
    }

    /// <summary>The lines' text alone.</summary>
    public IReadOnlyList<string> Messages => [.. Lines.Select(l => l.Message)];

    public int Count(string fragment) => Lines.Count(l => l.Message.Contains(fragment, StringComparison.Ordinal));

    public string Dump() => string.Join('\n', Lines.Select(l => $"{l.Level}: {l.Message}"));

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_lock)
            _lines.Add((logLevel, formatter(state, exception)));
    }
}
