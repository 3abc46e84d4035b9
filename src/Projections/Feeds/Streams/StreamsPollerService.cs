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
        // Stopping starts no new round, but the round in hand may finish (apply and checkpoint its batch) within
        // FinalRoundGrace, so the projector stops after its last checkpoint rather than between apply and checkpoint.
        using var round = new CancellationTokenSource();
        using var grace = stoppingToken.Register(() => round.CancelAfter(FinalRoundGrace));
        try
        {
            do
            {
                StreamsPollResult result;
                do
                {
                    result = await poller.PollOnceAsync(round.Token);
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

    /// <summary>How long the round in hand may take to finish once the host stops. Wall-clock, like the host's own timeout.</summary>
    public static readonly TimeSpan FinalRoundGrace = TimeSpan.FromSeconds(5);

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
