using System.Globalization;
using EventBot.EventStore.Sqlite;
using EventBot.Projections.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EventBot.Projections.Feeds;

/// <summary>
/// Follows the embedded store's global position in-process: wakes on every append (near-zero lag) and on a
/// period as a safety net. The checkpoint is the last position whose whole batch prefix was applied.
/// </summary>
public sealed partial class SqliteTail(
    SqliteEventStore store,
    ProjectorCore core,
    IViewStore views,
    TimeProvider time,
    ILogger<SqliteTail> logger) : BackgroundService
{
    public const string CheckpointName = "checkpoint/sqlite-tail";
    private const int BatchSize = 512;

    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);

    /// <summary>Applies everything appended so far; used at start and by tests.</summary>
    public async Task<long> CatchUpAsync(CancellationToken ct)
    {
        var position = await ReadCheckpointAsync(ct);
        while (true)
        {
            var batch = await store.ReadAfterPositionAsync(position, BatchSize, ct);
            if (batch.Count == 0) return position;
            var result = await core.ProjectAsync(batch, ct);
            var applied = result.FirstFailedIndex ?? batch.Count;
            if (applied > 0)
            {
                position = batch[applied - 1].Position;
                await views.SetValueAsync(CheckpointName, position.ToString(CultureInfo.InvariantCulture), ct);
            }
            if (result.FirstFailedIndex is not null)
                throw new ProjectionStalledException(batch[applied].StreamId, batch[applied].Version, result.Error);
        }
    }

    public async Task<long> ReadCheckpointAsync(CancellationToken ct) =>
        await views.GetValueAsync(CheckpointName, ct) is { } stored ? long.Parse(stored, CultureInfo.InvariantCulture) : 0;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        store.Appended += OnAppended;
        try
        {
            var failures = 0;
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await CatchUpAsync(stoppingToken);
                    failures = 0;
                    await _wake.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken);
                }
                catch (ProjectionStalledException ex)
                {
                    // Retry with backoff: the record is not skipped, so read models never silently diverge.
                    failures++;
                    Log.Stalled(logger, ex, ex.StreamId, ex.Version, failures);
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(30_000, 100 * Math.Pow(2, Math.Min(failures, 10)))), time, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            store.Appended -= OnAppended;
        }

        // The chat adapters stop first and answer what they had read; one last catch-up then projects anything they
        // appended after their read-your-writes wait gave up, so the tail stops after its last checkpoint.
        if (stoppingToken.IsCancellationRequested)
        {
            using var last = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await CatchUpAsync(last.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ProjectionStalledException)
            {
                // Left for the next start: the checkpoint says where.
            }
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    private void OnAppended() => _wake.Release();

    private static partial class Log
    {
        [LoggerMessage(EventId = 2101, Level = LogLevel.Error, Message = "SQLite tail stalled at {StreamId} v{Version} (attempt {Attempt}); retrying")]
        public static partial void Stalled(ILogger logger, Exception ex, string streamId, long version, int attempt);
    }
}

public sealed class ProjectionStalledException(string streamId, long version, Exception? inner)
    : Exception($"Projection stopped at {streamId} v{version}: {inner?.Message}", inner)
{
    public string StreamId { get; } = streamId;

    public long Version { get; } = version;
}
