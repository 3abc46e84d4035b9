using EventBot.EventStore;
using Microsoft.Extensions.Logging;

namespace EventBot.Projections.Core;

/// <summary>
/// Rebuilds projections from the event store into a new generation while the current one keeps serving, then
/// flips the active pointer and deletes the old generation. A projection added later fills from all history.
/// </summary>
public sealed partial class Rebuilder(
    IEventReader store,
    IViewStore views,
    EventCodec codec,
    Generations generations,
    ProjectionSignals signals,
    ILoggerFactory loggers)
{
    public async Task<long> RebuildAsync(IReadOnlyList<IProjection> projections, IProgress<long>? progress, CancellationToken ct)
    {
        var logger = loggers.CreateLogger<Rebuilder>();
        var targets = new Dictionary<string, (long Old, long Next)>(StringComparer.Ordinal);
        foreach (var p in projections)
        {
            var active = await generations.ActiveAsync(p.Name, ct);
            targets[p.Name] = (active, active + 1);
            // A crashed earlier attempt may have left rows in the next generation: start it clean.
            await views.DeletePartitionsAsync(Generations.GenerationPrefix(p.Name, active + 1), ct);
        }

        long done = 0;
        foreach (var group in projections.GroupBy(p => targets[p.Name].Next))
        {
            var core = new ProjectorCore([.. group], views, store, codec, generations, signals, loggers.CreateLogger<ProjectorCore>())
            {
                TargetGeneration = group.Key,
            };
            var batch = new List<EventEnvelope>(256);
            await foreach (var e in store.ReadAllAsync(ct))
            {
                batch.Add(e);
                if (batch.Count < 256) continue;
                done += await ApplyAsync(core, batch, ct);
                progress?.Report(done);
            }
            done += await ApplyAsync(core, batch, ct);
            progress?.Report(done);
        }

        foreach (var (name, (old, next)) in targets)
        {
            await generations.FlipAsync(name, next, ct);
            var removed = await views.DeletePartitionsAsync(Generations.GenerationPrefix(name, old), ct);
            Log.Flipped(logger, name, old, next, removed);
        }
        return done;
    }

    private static async Task<long> ApplyAsync(ProjectorCore core, List<EventEnvelope> batch, CancellationToken ct)
    {
        if (batch.Count == 0) return 0;
        var result = await core.ProjectAsync(batch, ct);
        if (result.FirstFailedIndex is { } failed)
            throw new InvalidOperationException($"Rebuild stopped at {batch[failed].StreamId} v{batch[failed].Version}: {result.Error?.Message}", result.Error);
        var count = batch.Count;
        batch.Clear();
        return count;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2201, Level = LogLevel.Information, Message = "Rebuilt {Projection}: generation {Old} → {Next}, {Removed} old rows removed")]
        public static partial void Flipped(ILogger logger, string projection, long old, long next, long removed);
    }
}
