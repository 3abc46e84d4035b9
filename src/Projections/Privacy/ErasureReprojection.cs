using System.Collections.Frozen;
using System.Globalization;
using EventBot.EventStore;
using EventBot.Projections.Core;
using EventBot.Projections.Replay;
using Microsoft.Extensions.Logging;

namespace EventBot.Projections.Privacy;

/// <summary>
/// What the projector does when it meets an erasure event (docs/privacy.md, "Erasing"): the erasing process has
/// already destroyed the keys and only then appended the event, so every read from here on reveals the erased markers;
/// this re-projects, in place in the active generation, exactly the rows that can hold what was erased, and removes
/// rows whose key held an erased id (a user's real id as a sort key: the same history now makes a row under the
/// anonymous number instead). Only the projector runs it: it is the process allowed to write views.
/// <list type="bullet">
/// <item><c>ValueRedacted</c>: the rows fed by that key's stream.</item>
/// <item><c>UserForgotten</c>, <c>GuildPurged</c>, <c>LegacyEventsRewritten</c> (in <c>privacy/{guild}/log</c>): every row of the guild. The guild's
/// streams are found with the guild index (<see cref="IEventReader.ReadGuildEventsAsync"/>, a Query, never a Scan), each
/// read once in full (consistent), and every partition they map to is read (a Query) so that rows no longer made by
/// the history (the erased user's, under their real id) are found and deleted.</item>
/// </list>
/// Each row is recomputed with <see cref="RowRebuilder.RebuildRowAsync"/> (a conditional write; a live write meanwhile
/// makes it recompute), so the result is what a full <c>replay</c> builds. When done it records the event's version
/// under <see cref="MarkerName"/>, which the erasing process waits for before it answers, and which makes a
/// redelivered erasure event a no-op.
/// </summary>
public sealed partial class ErasureReprojection(IEventReader store, IViewStore views, EventCodec codec, RowRebuilder rows, Generations generations,
    ILogger<ErasureReprojection> logger) : IErasureHandler
{
    /// <summary>Event types that start a re-projection.</summary>
    public static readonly FrozenSet<string> Types = FrozenSet.ToFrozenSet(["UserForgotten", "GuildPurged", "ValueRedacted", "LegacyEventsRewritten"], StringComparer.Ordinal);

    /// <summary>
    /// Stream categories whose events the read models are made of, read per guild for a guild-wide re-projection. A
    /// projection fed by a new category adds it here.
    /// </summary>
    public static readonly IReadOnlyList<string> GuildCategories = ["remember", "sparkle", "play"];

    /// <summary>
    /// Projections whose rows are keyed by a user id: the only rows a re-projection deletes (terraform/iam.tf grants the
    /// projector DeleteItem in their partitions alone).
    /// </summary>
    public static readonly IReadOnlyList<string> RowsKeyedByUser =
        [Sparkle.SparkleTotals.ProjectionName, Sparkle.SparkleBoard.ProjectionName, Play.PlayRecords.ProjectionName, Play.PlayBoard.ProjectionName];

    /// <summary>Named value holding the last version of <paramref name="streamId"/> whose erasure the views show.</summary>
    public static string MarkerName(string streamId) => "erasure/" + streamId;

    /// <summary>Forgets the keys this process holds in memory (<c>KeyRing.ForgetCached</c>), before anything is read.</summary>
    public Action? ForgetCachedKeys { get; init; }

    public static bool IsErasure(string type) => Types.Contains(type);

    public bool Handles(string eventType) => IsErasure(eventType);

    /// <summary>True once the views show the erasure recorded by <paramref name="streamId"/> at <paramref name="version"/>.</summary>
    public static async Task<bool> IsAppliedAsync(IViewStore views, string streamId, long version, CancellationToken ct) =>
        await views.GetValueAsync(MarkerName(streamId), ct) is { } text
        && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var done) && done >= version;

    /// <summary>Re-projects what <paramref name="erasure"/> erased; a no-op when its marker says it was done.</summary>
    public async Task ApplyAsync(EventEnvelope erasure, IReadOnlyList<IProjection> projections, CancellationToken ct)
    {
        if (await IsAppliedAsync(views, erasure.StreamId, erasure.Version, ct)) return;
        ForgetCachedKeys?.Invoke();
        // The erasure's own stream too: the privacy log feeds a read model (guild-purges), which an operator's erasure,
        // re-projected in its own process with no projector running, must bring up to date like the rest.
        IReadOnlyList<string> streams = erasure.Type == "ValueRedacted" ? [erasure.StreamId] : [.. await GuildStreamsAsync(erasure.GuildId, ct), erasure.StreamId];
        var (candidates, changed) = await ReprojectAsync(projections, streams, ct);
        await views.SetValueAsync(MarkerName(erasure.StreamId), erasure.Version.ToString(CultureInfo.InvariantCulture), ct);
        Log.Reprojected(logger, erasure.Type, erasure.StreamId, erasure.Version, streams.Count, candidates, changed);
    }

    private async Task<IReadOnlyList<string>> GuildStreamsAsync(string guildId, CancellationToken ct)
    {
        var streams = new HashSet<string>(StringComparer.Ordinal);
        foreach (var category in GuildCategories)
            await foreach (var e in store.ReadGuildEventsAsync(guildId, category, ct)) streams.Add(e.StreamId);
        return [.. streams.Order(StringComparer.Ordinal)];
    }

    private async Task<(int Rows, int Changed)> ReprojectAsync(IReadOnlyList<IProjection> projections, IReadOnlyList<string> streams, CancellationToken ct)
    {
        var read = new Dictionary<string, IReadOnlyList<EventEnvelope>>(StringComparer.Ordinal);
        async Task<IReadOnlyList<EventEnvelope>> ReadAsync(string stream, CancellationToken token)
        {
            if (!read.TryGetValue(stream, out var events)) read[stream] = events = await store.ReadStreamAsync(new StreamName(stream), 1, token);
            return events;
        }

        // The rows the history makes now (erased ids already anonymous), with the streams feeding each.
        var affected = new Dictionary<(IProjection Projection, ViewKey Row), HashSet<string>>();
        void Add(IProjection projection, ViewKey row, IEnumerable<string> feeding)
        {
            if (!affected.TryGetValue((projection, row), out var set)) affected[(projection, row)] = set = new HashSet<string>(StringComparer.Ordinal);
            set.UnionWith(feeding);
        }
        foreach (var stream in streams)
        {
            foreach (var e in await ReadAsync(stream, ct))
            {
                if (!codec.IsKnown(e.Type)) continue; // a dead letter: `projections retry` handles it
                object? decoded = null;
                foreach (var projection in projections)
                {
                    if (!projection.Handles(e.Type)) continue;
                    try
                    {
                        decoded ??= codec.Decode(e);
                    }
                    catch (EventDecodeException)
                    {
                        break;
                    }
                    foreach (var row in projection.RowsFor(e, decoded)) Add(projection, row, [e.StreamId]);
                }
            }
        }

        // The rows stored in those partitions now: among them the ones whose key held an erased id, which the history
        // no longer makes (their applied streams read empty, so the rebuild below deletes them).
        foreach (var (projection, partition) in affected.Keys.Select(k => (k.Projection, k.Row.Partition)).Distinct().ToList())
        {
            var generation = await generations.ActiveAsync(projection.Name, ct);
            foreach (var live in await views.QueryAsync(Generations.PhysicalPartition(projection.Name, generation, partition), ct))
                Add(projection, new ViewKey(partition, live.Key.Sort), live.Applied.Keys);
        }

        var changed = 0;
        foreach (var ((projection, row), feeding) in affected)
        {
            if (await rows.RebuildRowAsync(projection, row, feeding, ct, readStream: ReadAsync)) changed++;
        }
        return (affected.Count, changed);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2301, Level = LogLevel.Information,
            Message = "Erasure {Type} ({StreamId} v{Version}) re-projected: {Streams} streams read, {Rows} rows checked, {Changed} changed or removed")]
        public static partial void Reprojected(ILogger logger, string type, string streamId, long version, int streams, int rows, int changed);
    }
}
