namespace EventBot.EventStore;

public interface IEventReader
{
    /// <summary>Events of one stream from <paramref name="fromVersion"/> (inclusive), oldest first. Strongly consistent.</summary>
    Task<IReadOnlyList<EventEnvelope>> ReadStreamAsync(StreamName stream, long fromVersion, CancellationToken ct);

    /// <summary>
    /// At most <paramref name="limit"/> events of one stream with versions below <paramref name="beforeVersion"/>
    /// (<see cref="StreamRead.FromEnd"/>: from the newest), newest first. Strongly consistent. Costs the page, not the
    /// stream: a history page, a point read (<c>beforeVersion: n + 1, limit: 1</c>) or the newest event.
    /// </summary>
    Task<IReadOnlyList<EventEnvelope>> ReadStreamBackwardAsync(StreamName stream, long beforeVersion, int limit, CancellationToken ct);

    /// <summary>The state stored beside the stream by <see cref="IEventWriter.AppendWithUnfoldAsync"/> (null when none). Strongly consistent.</summary>
    Task<StreamUnfold?> ReadUnfoldAsync(StreamName stream, CancellationToken ct);

    /// <summary>
    /// A guild's most recent events across streams of one category, newest first, skipping <paramref name="skip"/>.
    /// May be eventually consistent (a GSI on DynamoDB).
    /// </summary>
    Task<IReadOnlyList<EventEnvelope>> ReadGuildHistoryAsync(string guildId, string category, int skip, int take, CancellationToken ct);

    /// <summary>
    /// Every event of a guild in one category, oldest first, read page by page from the guild index (a Query on
    /// DynamoDB's <c>by_guild</c>, never a Scan): what one server holds, e.g. for a user's export. May be eventually
    /// consistent (a GSI on DynamoDB).
    /// </summary>
    IAsyncEnumerable<EventEnvelope> ReadGuildEventsAsync(string guildId, string category, CancellationToken ct);

    /// <summary>Every event, for replay. Order is per stream only.</summary>
    IAsyncEnumerable<EventEnvelope> ReadAllAsync(CancellationToken ct);
}

public interface IEventWriter
{
    /// <summary>
    /// Appends <paramref name="events"/> to <paramref name="stream"/> if its last version is <paramref name="expectedVersion"/>
    /// and <see cref="AppendContext.Source"/> was never used before; all or nothing.
    /// </summary>
    Task<AppendResult> AppendAsync(StreamName stream, long expectedVersion, IReadOnlyList<EventData> events, AppendContext context, CancellationToken ct);

    /// <summary>
    /// Appends like <see cref="AppendAsync"/> and, in the same transaction, stores <paramref name="unfold"/> beside the
    /// stream as its state at the new last version (replacing the one before). Nothing is stored unless the events are.
    /// </summary>
    Task<AppendResult> AppendWithUnfoldAsync(StreamName stream, long expectedVersion, IReadOnlyList<EventData> events, UnfoldData unfold, AppendContext context, CancellationToken ct);
}

public interface IEventStore : IEventReader, IEventWriter;

/// <summary>Raised by stores that have a global order, so in-process feeds can wake at once instead of polling.</summary>
public interface IAppendNotifier
{
    event Action? Appended;
}

public static class StreamRead
{
    /// <summary>For <see cref="IEventReader.ReadStreamBackwardAsync"/>: start at the stream's newest event.</summary>
    public const long FromEnd = long.MaxValue;
}
