using Microsoft.Extensions.Logging;

namespace EventBot.Lambda;

/// <summary>
/// One line per log entry, written synchronously. The console logger of Microsoft.Extensions.Logging writes from a
/// background queue, and Lambda freezes the process as soon as the handler returns, so its lines could arrive an
/// invocation late or never. Lambda sends both standard streams to CloudWatch; standard error keeps the
/// <c>lambda invoke</c> verb's standard output for the response alone.
/// </summary>
public sealed class LambdaLoggerProvider(TextWriter writer) : ILoggerProvider
{
    private readonly Lock _gate = new();

    public ILogger CreateLogger(string categoryName) => new LineLogger(this, categoryName);

    public void Dispose()
    {
    }

    private void Write(string line)
    {
        lock (_gate)
        {
            writer.WriteLine(line);
            writer.Flush();
        }
    }

    private sealed class LineLogger(LambdaLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var line = $"{logLevel} {category}[{eventId.Id}]: {formatter(state, exception)}";
            if (exception is not null) line += Environment.NewLine + exception;
            provider.Write(line);
        }
    }
}
