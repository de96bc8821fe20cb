using Microsoft.Extensions.Logging;

namespace Ristbond.Web;

/// <summary>
/// Hands ASP.NET's own log lines (warnings and errors only; see <see cref="StatusServer"/>) to ristbond's logger,
/// marked as the status server's. Silent until the server has started: a failure to start is reported once, as the
/// one-line error the start throws, not also as the host's own error line.
/// </summary>
sealed class ForwardingLoggerProvider(ILogger target) : ILoggerProvider
{
    volatile bool _started;

    public void Started() => _started = true;

    public ILogger CreateLogger(string categoryName) => new Forwarder(this, target);

    public void Dispose()
    {
    }

    sealed class Forwarder(ForwardingLoggerProvider provider, ILogger target) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => provider._started && target.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
                return;
            string message = formatter(state, exception);
            if (exception is not null)
                message += ": " + exception.Message;
            target.Log(logLevel, "status server: {Message}", message);
        }
    }
}
