using Microsoft.Extensions.Logging;

namespace Ristbond.Appliance.Logging;

/// <summary>
/// One line per event on stderr. Under systemd (JOURNAL_STREAM set) each line starts with its syslog priority
/// (&lt;3&gt; error … &lt;7&gt; debug) so journald files it at the right level; on a terminal it starts with the time.
/// Synchronous on purpose: a service that logs a few lines a second needs no queue thread that can lose its last words.
/// Level filtering is the logger factory's job.
/// </summary>
public sealed class LineLoggerProvider(TextWriter? output = null, bool? journal = null) : ILoggerProvider
{
    readonly TextWriter _output = output ?? Console.Error;
    readonly bool _journal = journal ?? (Environment.GetEnvironmentVariable("JOURNAL_STREAM") is string stream
        && StderrIsJournal(stream, new FileInfo("/proc/self/fd/2").LinkTarget));
    readonly Lock _lock = new();

    public static ILoggerFactory CreateFactory(LogLevel minimum, TextWriter? output = null, bool? journal = null) =>
        LoggerFactory.Create(builder => builder.SetMinimumLevel(minimum).AddProvider(new LineLoggerProvider(output, journal)));

    public ILogger CreateLogger(string categoryName) => new LineLogger(this);

    /// <summary>
    /// systemd.exec(5): JOURNAL_STREAM is "device:inode" of the socket systemd connected stderr to. A program started
    /// from a service (or a shell inside one) inherits the variable with another stderr, so the inode is compared
    /// with what stderr is (<paramref name="stderrTarget"/>, the link /proc/self/fd/2: "socket:[inode]").
    /// When stderr cannot be looked at, the variable is trusted.
    /// </summary>
    internal static bool StderrIsJournal(string? journalStream, string? stderrTarget)
    {
        if (string.IsNullOrEmpty(journalStream))
            return false;
        int colon = journalStream.IndexOf(':');
        return stderrTarget is null || colon < 0 || stderrTarget == $"socket:[{journalStream[(colon + 1)..]}]";
    }

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
