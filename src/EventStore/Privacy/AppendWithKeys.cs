namespace EventBot.EventStore.Privacy;

/// <summary>
/// A store that can add new data keys (<see cref="KeyRing.NewValueKeyAsync"/>) in an append's own transaction: on
/// DynamoDB the keys table's puts beside the events, one round trip for both. <see cref="PrivateEventStore"/> uses it
/// when the key store is the one the transaction can reach, and stores the keys first otherwise.
/// </summary>
public interface IAppendWithKeys
{
    /// <summary>Whether keys of <paramref name="keys"/> can go in this store's append transactions.</summary>
    bool AddsKeysOf(IKeyStore keys);

    /// <summary>
    /// <see cref="IEventWriter.AppendAsync"/> (or, with <paramref name="unfold"/>, <see cref="IEventWriter.AppendWithUnfoldAsync"/>)
    /// that also adds <paramref name="keys"/>, all or nothing. Throws <see cref="KeysNotAddedException"/> (nothing written)
    /// when the keys cannot be added this way.
    /// </summary>
    Task<AppendResult> AppendWithKeysAsync(StreamName stream, long expectedVersion, IReadOnlyList<EventData> events, UnfoldData? unfold,
        IReadOnlyList<KeyRecord> keys, AppendContext context, CancellationToken ct);
}

/// <summary>Nothing was written: the keys must be stored on their own (<see cref="IKeyStore.AddOrGetAsync"/>) before the append.</summary>
public sealed class KeysNotAddedException(string message, Exception? inner = null) : Exception(message, inner);
