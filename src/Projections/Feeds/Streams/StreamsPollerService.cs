using EventBot.EventStore.Faults;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EventBot.Projections.Feeds.Streams;

/// <summary>
/// Runs <see cref="StreamsPoller"/> on a <see cref="PeriodicTimer"/>: a round every <see cref="StreamsPollerOptions.PollInterval"/>,
/// back to back while shards have records left. Stopping exits quietly; a transient failure (<see cref="Failures"/>) that
/// gets this far is logged and the next round runs; only a deterministic one (no stream on the table, access denied)
/// stops the host.
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
                    try
                    {
                        result = await poller.PollOnceAsync(round.Token);
                    }
                    catch (Exception e) when (Failures.IsTransient(e, round.Token))
                    {
                        Log.RoundFailed(logger, Failures.Classify(e, round.Token), e);
                        result = new StreamsPollResult(0, false);
                    }
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

        [LoggerMessage(23, LogLevel.Warning, "Streams poller round failed ({Kind}); polling again next round")]
        public static partial void RoundFailed(ILogger logger, FailureKind kind, Exception exception);

        [LoggerMessage(22, LogLevel.Critical, "Streams poller failed; the read models stop updating")]
        public static partial void Crashed(ILogger logger, Exception exception);
    }
}
