namespace EventBot.EventStore;

public interface IEventReader
{
    /// <summary>Events of one stream from <paramref name="fromVersion"/> (inclusive), oldest first. Strongly consistent.</summary>
    Task<IReadOnlyList<EventEnvelope>> ReadStreamAsync(StreamName stream, long fromVersion, CancellationToken ct);

    /// <summary>
    /// A guild's most recent events across streams of one category, newest first, skipping <paramref name="skip"/>.
    /// May be eventually consistent (a GSI on DynamoDB).
    /// </summary>
    Task<IReadOnlyList<EventEnvelope>> ReadGuildHistoryAsync(string guildId, string category, int skip, int take, CancellationToken ct);

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
}

public interface IEventStore : IEventReader, IEventWriter;

/// <summary>Raised by stores that have a global order, so in-process feeds can wake at once instead of polling.</summary>
public interface IAppendNotifier
{
    event Action? Appended;
}
