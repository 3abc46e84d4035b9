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
/// makes it recompute), so the result is what a full <c>replay</c> builds. The same is done to the rows of the other
/// generation slot of the pair (on DynamoDB a <c>replay</c> keeps the rows of the one before it there, revealed then, for
/// reuse: <see cref="Rebuilder.ReuseSlots"/>), in the same partitions, unless a rebuild is writing that slot now. When done it records the event's version
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
        var streams = await StreamsOfAsync(erasure, ct);
        var (candidates, changed) = await ReprojectAsync(projections, streams, GuildWide(erasure), null, ct);
        await views.SetValueAsync(MarkerName(erasure.StreamId), erasure.Version.ToString(CultureInfo.InvariantCulture), ct);
        Log.Reprojected(logger, erasure.Type, erasure.StreamId, erasure.Version, streams.Count, candidates, changed);
    }

    /// <summary>
    /// Re-projects what <paramref name="erasure"/> erased in <paramref name="generation"/> alone (a rebuild's target,
    /// which may hold what the rebuild revealed before the keys were destroyed), whatever the marker says; writes no marker.
    /// </summary>
    public async Task ApplyToGenerationAsync(EventEnvelope erasure, IReadOnlyList<IProjection> projections, long generation, CancellationToken ct)
    {
        ForgetCachedKeys?.Invoke();
        var streams = await StreamsOfAsync(erasure, ct);
        var (candidates, changed) = await ReprojectAsync(projections, streams, GuildWide(erasure), generation, ct);
        Log.Reprojected(logger, erasure.Type, erasure.StreamId, erasure.Version, streams.Count, candidates, changed);
    }

    private async Task<IReadOnlyList<string>> StreamsOfAsync(EventEnvelope erasure, CancellationToken ct) =>
        GuildWide(erasure) ? [.. await GuildStreamsAsync(erasure.GuildId, ct), erasure.StreamId] : [erasure.StreamId];

    /// <summary>Every erasure but a redaction covers a whole guild, and can leave rows keyed by an erased id behind.</summary>
    private static bool GuildWide(EventEnvelope erasure) => erasure.Type != "ValueRedacted";

    private async Task<IReadOnlyList<string>> GuildStreamsAsync(string guildId, CancellationToken ct)
    {
        var streams = new HashSet<string>(StringComparer.Ordinal);
        foreach (var category in GuildCategories)
            await foreach (var e in store.ReadGuildEventsAsync(guildId, category, ct)) streams.Add(e.StreamId);
        return [.. streams.Order(StringComparer.Ordinal)];
    }

    /// <param name="sweep">Also every row stored in the partitions the streams map to (a guild-wide erasure: rows keyed by
    /// an erased id, which the history no longer makes, are found so and deleted); false: only the rows the streams make
    /// (a redaction: a guild's other keys are not read).</param>
    /// <param name="only">Re-project this generation alone (a rebuild's target); null: the active one and its slot partner.</param>
    private async Task<(int Rows, int Changed)> ReprojectAsync(IReadOnlyList<IProjection> projections, IReadOnlyList<string> streams, bool sweep, long? only,
        CancellationToken ct)
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

        var changed = 0;
        var checkedRows = 0;
        foreach (var group in affected.GroupBy(a => a.Key.Projection))
        {
            var projection = group.Key;
            var made = group.ToDictionary(a => a.Key.Row, a => a.Value);
            var partitions = made.Keys.Select(k => k.Partition).Distinct(StringComparer.Ordinal).ToList();
            foreach (var (generation, whole) in await GenerationsToEraseAsync(projection, only, ct))
            {
                // A generation that serves (or will) gets every row the history makes now; the other slot of the pair only
                // has its own rows brought to the erased state (a row it lacks holds nothing to erase).
                var here = whole
                    ? made.ToDictionary(m => m.Key, m => new HashSet<string>(m.Value, StringComparer.Ordinal))
                    : new Dictionary<ViewKey, HashSet<string>>();
                if (!sweep && !whole)
                {
                    // The other slot, for a redaction: the rows the stream makes, where the slot holds them.
                    foreach (var (row, making) in made)
                        if (await views.GetAsync(Generations.PhysicalKey(projection.Name, generation, row), ct) is not null) here[row] = new HashSet<string>(making, StringComparer.Ordinal);
                }
                // The rows stored in those partitions now: among them the ones whose key held an erased id, which the
                // history no longer makes (their applied streams read empty, so the rebuild below deletes them).
                foreach (var partition in sweep ? partitions : [])
                {
                    foreach (var stored in await views.QueryAsync(Generations.PhysicalPartition(projection.Name, generation, partition), ct))
                    {
                        var row = new ViewKey(partition, stored.Key.Sort);
                        if (!here.TryGetValue(row, out var feeding))
                            here[row] = feeding = made.TryGetValue(row, out var making) ? new HashSet<string>(making, StringComparer.Ordinal) : new HashSet<string>(StringComparer.Ordinal);
                        feeding.UnionWith(stored.Applied.Keys);
                    }
                }
                foreach (var (row, feeding) in here)
                {
                    checkedRows++;
                    if (await rows.RebuildRowAsync(projection, row, feeding, ct, readStream: ReadAsync, generation: generation)) changed++;
                }
            }
        }
        return (checkedRows, changed);
    }

    /// <summary>
    /// The generations of <paramref name="projection"/> that can hold what was erased: the active one, and the other
    /// slot of its pair (<see cref="Rebuilder.Partner"/>; on DynamoDB <see cref="Rebuilder.ReuseSlots"/> keeps the rows
    /// of the replay before last there, revealed when they were read) unless a rebuild is writing it right now
    /// (<see cref="Rebuilder.BuildingName"/>): that rebuild brings its own target to the erased state when it meets the
    /// erasure (<see cref="ApplyToGenerationAsync"/>), and writing under its buffer would race it. A slot that holds no
    /// rows costs one Query per partition and writes nothing.
    /// </summary>
    private async Task<IReadOnlyList<(long Generation, bool Whole)>> GenerationsToEraseAsync(IProjection projection, long? only, CancellationToken ct)
    {
        if (only is { } generation) return [(generation, true)];
        var active = await generations.ActiveAsync(projection.Name, ct);
        var other = Rebuilder.Partner(active);
        var building = await views.GetValueAsync(Rebuilder.BuildingName(projection.Name), ct);
        return building == other.ToString(CultureInfo.InvariantCulture) ? [(active, true)] : [(active, true), (other, false)];
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2301, Level = LogLevel.Information,
            Message = "Erasure {Type} ({StreamId} v{Version}) re-projected: {Streams} streams read, {Rows} rows checked, {Changed} changed or removed")]
        public static partial void Reprojected(ILogger logger, string type, string streamId, long version, int streams, int rows, int changed);
    }
}
