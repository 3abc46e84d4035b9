using System.Globalization;
using Amazon.DynamoDBv2.Model;

namespace EventBot.EventStore.DynamoDb;

/// <summary>
/// The item schema of the events table, apart from the logical event: how an envelope becomes an item and back.
/// Idempotency markers share the table (so they commit in the same transaction) but are not events.
/// </summary>
public static class EventItem
{
    public const string EventId = "event_id";
    public const string Type = "type";
    public const string SchemaVersion = "schema_version";
    public const string Data = "data";
    public const string GuildId = "guild_id";
    public const string ActorId = "actor_id";
    public const string ActorName = "actor_name";
    public const string Source = "source";

    // Correlation (absent on events stored before it was kept, and when empty: DynamoDB items carry no empty strings here).
    public const string CorrelationId = "correlation_id";
    public const string CausationId = "causation_id";
    public const string TraceParent = "trace_parent";

    // Marker attributes: the first outcome of a source message.
    public const string MarkerPrefix = "idempotency#";
    public const string MarkerStream = "target_stream";
    public const string MarkerFirst = "first_version";
    public const string MarkerLast = "last_version";

    // Unfold attributes: the state stored beside a stream, at version 0 of the stream's own partition (events start at
    // 1), so it commits in the append's transaction. It has no type, data or guild_category: never an event, never in
    // the guild index, skipped by Scans and by the Streams feed as a foreign item.
    public const string UnfoldType = "unfold_type";
    public const string UnfoldSchema = "unfold_schema";
    public const string UnfoldData = "unfold_data";
    public const string UnfoldVersion = "unfold_version";
    public const string UnfoldEventId = "unfold_event_id";

    /// <summary>
    /// Set on an item written by the sanctioned rewrite of legacy plaintext (<see cref="IEventRewriter"/>): its stream
    /// record (a MODIFY, or the INSERT of a moved event) is not a new event, and the Streams feeds skip it.
    /// </summary>
    public const string RewrittenAt = "rewritten_at";

    public static string MarkerKey(string source) => MarkerPrefix + source;

    public static Dictionary<string, AttributeValue> ToUnfoldItem(string streamId, UnfoldData unfold, long version, Guid eventId) => new(StringComparer.Ordinal)
    {
        [EventBotTables.StreamId] = new() { S = streamId },
        [EventBotTables.Version] = N(0),
        [UnfoldType] = new() { S = unfold.Type },
        [UnfoldSchema] = N(unfold.SchemaVersion),
        [UnfoldData] = new() { S = unfold.Data },
        [UnfoldVersion] = N(version),
        [UnfoldEventId] = new() { S = eventId.ToString() },
    };

    /// <summary>The unfold an item holds; null when it is not a complete one (never guess a state).</summary>
    public static StreamUnfold? FromUnfoldItem(IReadOnlyDictionary<string, AttributeValue>? item) =>
        item is not null
        && item.TryGetValue(UnfoldType, out var type) && type.S is { } t
        && item.TryGetValue(UnfoldSchema, out var schema) && int.TryParse(schema.N, NumberStyles.Integer, CultureInfo.InvariantCulture, out var sv)
        && item.TryGetValue(UnfoldData, out var data) && data.S is { } d
        && item.TryGetValue(UnfoldVersion, out var version) && long.TryParse(version.N, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
        && item.TryGetValue(UnfoldEventId, out var id) && Guid.TryParse(id.S, out var eventId)
            ? new StreamUnfold(t, sv, d, v, eventId)
            : null;

    public static string GuildCategory(string guildId, string category) => $"{guildId}#{category}";

    public static string FormatTime(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static Dictionary<string, AttributeValue> ToItem(EventEnvelope e)
    {
        var item = BaseItem(e);
        if (e.CorrelationId.Length > 0) item[CorrelationId] = new() { S = e.CorrelationId };
        if (e.CausationId.Length > 0) item[CausationId] = new() { S = e.CausationId };
        if (e.TraceParent.Length > 0) item[TraceParent] = new() { S = e.TraceParent };
        return item;
    }

    private static Dictionary<string, AttributeValue> BaseItem(EventEnvelope e) => new(StringComparer.Ordinal)
    {
        [EventBotTables.StreamId] = new() { S = e.StreamId },
        [EventBotTables.Version] = N(e.Version),
        [EventId] = new() { S = e.EventId.ToString() },
        [Type] = new() { S = e.Type },
        [SchemaVersion] = N(e.SchemaVersion),
        [Data] = new() { S = e.Data },
        [GuildId] = new() { S = e.GuildId },
        [EventBotTables.GuildCategory] = new() { S = GuildCategory(e.GuildId, Domain.Common.StreamIds.Category(e.StreamId)) },
        [ActorId] = new() { S = e.ActorId },
        [ActorName] = new() { S = e.ActorName },
        [Source] = new() { S = e.Source },
        [EventBotTables.RecordedAt] = new() { S = FormatTime(e.RecordedAt) },
    };

    /// <summary>True for items that are events (not markers, not foreign items in a shared table).</summary>
    public static bool IsEvent(IReadOnlyDictionary<string, AttributeValue>? item) =>
        item is not null
        && item.TryGetValue(EventBotTables.StreamId, out var s) && s.S is { } stream && !stream.StartsWith(MarkerPrefix, StringComparison.Ordinal)
        && item.TryGetValue(EventBotTables.Version, out var v) && v.N is not null
        && item.TryGetValue(Type, out var t) && t.S is not null
        && item.TryGetValue(Data, out var d) && d.S is not null;

    public static EventEnvelope FromItem(IReadOnlyDictionary<string, AttributeValue> item) => new(
        StreamId: item[EventBotTables.StreamId].S,
        Version: long.Parse(item[EventBotTables.Version].N, CultureInfo.InvariantCulture),
        EventId: Guid.Parse(item[EventId].S),
        Type: item[Type].S,
        SchemaVersion: int.Parse(item[SchemaVersion].N, CultureInfo.InvariantCulture),
        Data: item[Data].S,
        GuildId: item[GuildId].S,
        ActorId: item[ActorId].S,
        ActorName: item[ActorName].S,
        Source: item[Source].S,
        RecordedAt: DateTimeOffset.Parse(item[EventBotTables.RecordedAt].S, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal))
    {
        CorrelationId = Optional(item, CorrelationId),
        CausationId = Optional(item, CausationId),
        TraceParent = Optional(item, TraceParent),
    };

    private static string Optional(IReadOnlyDictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && value.S is { } s ? s : "";

    public static AttributeValue N(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };
}
