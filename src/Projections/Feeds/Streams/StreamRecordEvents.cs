using System.Text.Json;
using EventBot.EventStore;
using EventBot.EventStore.DynamoDb;
using EventBot.DynamoDbStreams;

namespace EventBot.Projections.Feeds.Streams;

/// <summary>What a stream record of the events table holds for the projections.</summary>
public enum StreamRecordKind
{
    /// <summary>An EventBot event.</summary>
    Event,

    /// <summary>A REMOVE (TTL deletes and the like): never an event, since events are never deleted.</summary>
    Remove,

    /// <summary>
    /// Not a new EventBot event: an idempotency marker, a foreign item in a shared table, or an event the sanctioned
    /// rewrite of legacy plaintext replaced or moved (<see cref="EventItem.RewrittenAt"/>; the erasure that ran it
    /// rebuilds the read models, so the feed must not apply it a second time).
    /// </summary>
    Foreign,

    /// <summary>Looks like an event but cannot be read: fail it, never guess.</summary>
    Malformed,
}

/// <summary>The one rule, shared by the projector's stream handler and a rebuild's stream catch-up.</summary>
public static class StreamRecordEvents
{
    /// <summary>The record's kind, with its envelope when it is an event or the reason when it is malformed.</summary>
    public static StreamRecordKind Read(StreamRecord record, out EventEnvelope? envelope, out Exception? error)
    {
        envelope = null;
        error = null;
        if (record.EventName == StreamEventName.Remove) return StreamRecordKind.Remove;
        if (!EventItem.IsEvent(record.NewImage) || record.NewImage!.ContainsKey(EventItem.RewrittenAt)) return StreamRecordKind.Foreign;
        try
        {
            envelope = EventItem.FromItem(record.NewImage!);
            return StreamRecordKind.Event;
        }
        catch (Exception ex) when (ex is FormatException or KeyNotFoundException or OverflowException or JsonException)
        {
            error = ex;
            return StreamRecordKind.Malformed;
        }
    }
}
