using Microsoft.Extensions.Logging;

namespace Ristbond.Web;

/// <summary>Hands ASP.NET's own log lines (warnings and errors only; see <see cref="StatusServer"/>) to ristbond's logger, marked as the status server's.</summary>
sealed class ForwardingLoggerProvider(ILogger target) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Forwarder(target);

    public void Dispose()
    {
    }

    sealed class Forwarder(ILogger target) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => target.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            string message = formatter(state, exception);
            if (exception is not null)
                message += ": " + exception.Message;
            target.Log(logLevel, "status server: {Message}", message);
        }
    }
}
