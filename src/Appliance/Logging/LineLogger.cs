using Microsoft.Extensions.Logging;

namespace Ristbond.Appliance.Logging;

/// <summary>
/// One line per event on stderr. Under systemd (JOURNAL_STREAM set) each line starts with its syslog priority
/// (&lt;3&gt; error … &lt;7&gt; debug) so journald files it at the right level; on a terminal it starts with the time.
/// Synchronous on purpose: a service that logs a few lines a second needs no queue thread that can lose its last words.
/// Level filtering is the logger factory's job.
/// </summary>
public sealed class LineLoggerProvider(TextWriter? output = null) : ILoggerProvider
{
    readonly TextWriter _output = output ?? Console.Error;
    readonly bool _journal = Environment.GetEnvironmentVariable("JOURNAL_STREAM") is not null;
    readonly Lock _lock = new();

    public static ILoggerFactory CreateFactory(LogLevel minimum, TextWriter? output = null) =>
        LoggerFactory.Create(builder => builder.SetMinimumLevel(minimum).AddProvider(new LineLoggerProvider(output)));

    public ILogger CreateLogger(string categoryName) => new LineLogger(this);

    public void Dispose()
    {
    }

    void Write(LogLevel level, string message, Exception? exception)
    {
        string prefix = _journal
            ? $"<{SyslogPriority(level)}>"
            : $"{DateTime.Now:HH:mm:ss.fff} {Abbreviation(level)} ";
        string detail = exception is null ? "" : level <= LogLevel.Debug ? $"\n{exception}" : $": {exception.Message}";
        lock (_lock)
            _output.WriteLine(prefix + message + detail);
    }

    static int SyslogPriority(LogLevel level) => level switch
    {
        LogLevel.Critical => 2,
        LogLevel.Error => 3,
        LogLevel.Warning => 4,
        LogLevel.Information => 6,
        _ => 7,
    };

    static string Abbreviation(LogLevel level) => level switch
    {
        LogLevel.Critical => "CRIT ",
        LogLevel.Error => "ERROR",
        LogLevel.Warning => "WARN ",
        LogLevel.Information => "INFO ",
        LogLevel.Debug => "DEBUG",
        _ => "TRACE",
    };

    sealed class LineLogger(LineLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
                provider.Write(logLevel, formatter(state, exception), exception);
        }
    }
}
