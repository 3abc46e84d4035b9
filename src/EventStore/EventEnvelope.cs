namespace EventBot.EventStore;

/// <summary>Who caused an append and from which chat message (the idempotency key).</summary>
public sealed record AppendContext(string GuildId, string ActorId, string ActorName, string Source)
{
    private readonly string? _correlationId;
    private readonly string? _causationId;

    /// <summary>The chat message or interaction that started the work; unless set, the source itself (also after <c>with { Source = … }</c>).</summary>
    public string CorrelationId { get => _correlationId ?? Source; init => _correlationId = value; }

    /// <summary>What directly caused this append (a message id, or an event id for event-driven work); unless set, the source.</summary>
    public string CausationId { get => _causationId ?? Source; init => _causationId = value; }

    /// <summary>The W3C <c>traceparent</c> of the appending command's span; empty when tracing is off.</summary>
    public string TraceParent { get; init; } = "";
}

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
    long Position = 0)
{
    /// <summary>The chat message or interaction that started the work (empty for events stored before it was kept).</summary>
    public string CorrelationId { get; init; } = "";

    /// <summary>What directly caused the event (empty for old events).</summary>
    public string CausationId { get; init; } = "";

    /// <summary>W3C <c>traceparent</c> of the command that appended it, so a projector span can link to it (empty when tracing was off).</summary>
    public string TraceParent { get; init; } = "";

    /// <summary>Copies the correlation of <paramref name="context"/> onto this envelope.</summary>
    public EventEnvelope WithCorrelation(AppendContext context) =>
        this with { CorrelationId = context.CorrelationId, CausationId = context.CausationId, TraceParent = context.TraceParent };
}

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
