namespace EventBot.EventStore;

/// <summary>Who caused an append and from which chat message (the idempotency key).</summary>
public sealed record AppendContext(string GuildId, string ActorId, string ActorName, string Source);

/// <summary>An event about to be stored: its wire type, schema version and JSON data.</summary>
public sealed record EventData(string Type, int SchemaVersion, string Data);

/// <summary>An event as stored. Immutable; <see cref="Position"/> is the store-wide order where the store has one (SQLite), else 0.</summary>
public sealed record EventEnvelope(
    string StreamId,
    long Version,
    Guid EventId,
    string Type,
    int SchemaVersion,
    string Data,
    string GuildId,
    string ActorId,
    string ActorName,
    string Source,
    DateTimeOffset RecordedAt,
    long Position = 0);

/// <summary>The outcome of an append. Conflicts and repeats are values, not exceptions.</summary>
public abstract record AppendResult
{
    private AppendResult() { }

    /// <summary>Stored. <see cref="Events"/> are the new envelopes, in order.</summary>
    public sealed record Appended(IReadOnlyList<EventEnvelope> Events, long NextExpectedVersion) : AppendResult;

    /// <summary>The stream moved on since it was read: re-read, decide again.</summary>
    public sealed record WrongExpectedVersion(long Expected, long Actual) : AppendResult;

    /// <summary>This source message was already handled: the first outcome, nothing appended now.</summary>
    public sealed record AlreadyProcessed(string StreamId, long FirstVersion, long LastVersion) : AppendResult;
}

public static class ExpectedVersion
{
    /// <summary>The stream must not exist yet.</summary>
    public const long NoStream = 0;
}
