using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EventBot.Projections.Feeds.Streams;

/// <summary>
/// Runs <see cref="StreamsPoller"/> on a <see cref="PeriodicTimer"/>: a round every <see cref="StreamsPollerOptions.PollInterval"/>,
/// back to back while shards have records left. Stopping exits quietly; an unexpected failure stops the host.
/// </summary>
public sealed partial class StreamsPollerService(
    StreamsPoller poller,
    IOptions<StreamsPollerOptions> options,
    TimeProvider time,
    ILogger<StreamsPollerService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval, time);
        Log.Started(logger, options.Value.StreamArn ?? options.Value.TableName, options.Value.PollInterval);
        try
        {
            do
            {
                StreamsPollResult result;
                do
                {
                    result = await poller.PollOnceAsync(stoppingToken);
                }
                while (result.MorePending && !stoppingToken.IsCancellationRequested);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutdown.
        }
        catch (Exception e)
        {
            Log.Crashed(logger, e);
            throw;
        }
        Log.Stopped(logger);
    }

    static partial class Log
    {
        [LoggerMessage(20, LogLevel.Information, "Streams poller started on {Source}, polling every {Interval}")]
        public static partial void Started(ILogger logger, string? source, TimeSpan interval);

        [LoggerMessage(21, LogLevel.Information, "Streams poller stopped")]
        public static partial void Stopped(ILogger logger);

        [LoggerMessage(22, LogLevel.Critical, "Streams poller failed; the read models stop updating")]
        public static partial void Crashed(ILogger logger, Exception exception);
    }
}
