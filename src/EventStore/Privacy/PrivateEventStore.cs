using System.Runtime.CompilerServices;

namespace EventBot.EventStore.Privacy;

/// <summary>
/// The store as everything above it sees it: appends are protected (pseudonyms, ciphertext) before they reach
/// <paramref name="inner"/>, reads are revealed (docs/privacy.md). <see cref="Wrap"/> keeps the inner store's extra
/// read capabilities (positions for SQLite, Scan segments for DynamoDB), which replay chooses by type.
/// </summary>
public class PrivateEventStore(IEventStore inner, EventPrivacy privacy) : IEventStore, IEventCountEstimator
{
    public IEventStore Inner => inner;

    public EventPrivacy Privacy => privacy;

    public static PrivateEventStore Wrap(IEventStore inner, EventPrivacy privacy) => inner switch
    {
        IPositionedEventReader and IAppendNotifier => new Positioned(inner, privacy),
        ISegmentedEventReader and IRecentEventReader => new Segmented(inner, privacy),
        _ => new PrivateEventStore(inner, privacy),
    };

    public Task<AppendResult> AppendAsync(StreamName stream, long expectedVersion, IReadOnlyList<EventData> events, AppendContext context, CancellationToken ct) =>
        AppendAsync(stream, expectedVersion, events, null, context, ct);

    /// <summary>The unfold is sealed like the fields (a sparkle unfold names whom the user sparkled): under the stream's owner.</summary>
    public Task<AppendResult> AppendWithUnfoldAsync(StreamName stream, long expectedVersion, IReadOnlyList<EventData> events, UnfoldData unfold, AppendContext context, CancellationToken ct) =>
        AppendAsync(stream, expectedVersion, events, unfold, context, ct);

    /// <summary>
    /// The keys of the value versions the append creates go in its own transaction when the store can (DynamoDB:
    /// <see cref="IAppendWithKeys"/>), else they are stored first, each in the key store's own transaction.
    /// </summary>
    private async Task<AppendResult> AppendAsync(StreamName stream, long expectedVersion, IReadOnlyList<EventData> events, UnfoldData? unfold, AppendContext context, CancellationToken ct)
    {
        if (inner is IAppendWithKeys keyed && keyed.AddsKeysOf(privacy.Keys.Store))
        {
            try
            {
                return await LogicalAsync(await AppendWithKeysAsync(keyed, stream, expectedVersion, events, unfold, context, ct), stream, events, context, ct);
            }
            catch (KeysNotAddedException)
            {
                // Nothing was written: store the keys first (finding any key already made for these versions), as below.
            }
        }
        var (storedStream, storedEvents, storedContext) = await privacy.ProtectAsync(stream, expectedVersion, events, context, ct);
        var result = unfold is null
            ? await inner.AppendAsync(storedStream, expectedVersion, storedEvents, storedContext, ct)
            : await inner.AppendWithUnfoldAsync(storedStream, expectedVersion, storedEvents, await privacy.ProtectUnfoldAsync(storedStream.Value, unfold, ct), storedContext, ct);
        return await LogicalAsync(result, stream, events, context, ct);
    }

    private async Task<AppendResult> AppendWithKeysAsync(IAppendWithKeys keyed, StreamName stream, long expectedVersion, IReadOnlyList<EventData> events,
        UnfoldData? unfold, AppendContext context, CancellationToken ct)
    {
        var newKeys = new List<PendingKey>();
        var (storedStream, storedEvents, storedContext) = await privacy.ProtectAsync(stream, expectedVersion, events, context, ct, newKeys);
        var storedUnfold = unfold is null ? null : await privacy.ProtectUnfoldAsync(storedStream.Value, unfold, ct);
        var result = await keyed.AppendWithKeysAsync(storedStream, expectedVersion, storedEvents, storedUnfold, [.. newKeys.Select(k => k.Record)], storedContext, ct);
        // Known to exist only now: a refused or redelivered append stored none of them.
        if (result is AppendResult.Appended) privacy.Keys.Stored(newKeys);
        return result;
    }

    private async Task<AppendResult> LogicalAsync(AppendResult result, StreamName stream, IReadOnlyList<EventData> events, AppendContext context, CancellationToken ct) => result switch
    {
        // The caller's own plaintext, not a decryption of what was just encrypted.
        AppendResult.Appended appended => appended with
        {
            Events = [.. appended.Events.Select((e, i) => e with
            {
                StreamId = stream.Value, Data = events[i].Data, ActorId = context.ActorId, ActorName = context.ActorName,
            })],
        },
        AppendResult.AlreadyProcessed seen => seen with { StreamId = await privacy.LogicalStreamAsync(seen.StreamId, ct) },
        _ => result,
    };

    public async Task<IReadOnlyList<EventEnvelope>> ReadStreamBackwardAsync(StreamName stream, long beforeVersion, int limit, CancellationToken ct)
    {
        if (await privacy.StoredStreamAsync(stream.Value, create: false, ct) is not { } stored) return [];
        return await privacy.RevealAsync(await inner.ReadStreamBackwardAsync(new StreamName(stored), beforeVersion, limit, ct), ct);
    }

    /// <summary>Null once the owner's key is gone: the reader then folds the (erased) events, as for a missing unfold.</summary>
    public async Task<StreamUnfold?> ReadUnfoldAsync(StreamName stream, CancellationToken ct)
    {
        if (await privacy.StoredStreamAsync(stream.Value, create: false, ct) is not { } stored) return null;
        return await inner.ReadUnfoldAsync(new StreamName(stored), ct) is { } unfold ? await privacy.RevealUnfoldAsync(stored, unfold, ct) : null;
    }

    public async Task<IReadOnlyList<EventEnvelope>> ReadStreamAsync(StreamName stream, long fromVersion, CancellationToken ct)
    {
        // A user without a key has no stream yet; reads never create keys.
        if (await privacy.StoredStreamAsync(stream.Value, create: false, ct) is not { } stored) return [];
        return await privacy.RevealAsync(await inner.ReadStreamAsync(new StreamName(stored), fromVersion, ct), ct);
    }

    public async Task<IReadOnlyList<EventEnvelope>> ReadGuildHistoryAsync(string guildId, string category, int skip, int take, CancellationToken ct) =>
        await privacy.RevealAsync(await inner.ReadGuildHistoryAsync(guildId, category, skip, take, ct), ct);

    public async IAsyncEnumerable<EventEnvelope> ReadGuildEventsAsync(string guildId, string category, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var e in inner.ReadGuildEventsAsync(guildId, category, ct)) yield return await privacy.RevealAsync(e, ct);
    }

    public async IAsyncEnumerable<EventEnvelope> ReadAllAsync([EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var e in inner.ReadAllAsync(ct)) yield return await privacy.RevealAsync(e, ct);
    }

    public Task<EventCountEstimate> EstimateEventCountAsync(CancellationToken ct) =>
        inner is IEventCountEstimator estimator ? estimator.EstimateEventCountAsync(ct) : Task.FromResult(new EventCountEstimate(0, false, "unknown"));

    private sealed class Positioned(IEventStore store, EventPrivacy keys) : PrivateEventStore(store, keys), IPositionedEventReader, IAppendNotifier
    {
        public event Action? Appended
        {
            add => ((IAppendNotifier)Inner).Appended += value;
            remove => ((IAppendNotifier)Inner).Appended -= value;
        }

        public async Task<IReadOnlyList<EventEnvelope>> ReadAfterPositionAsync(long position, int max, CancellationToken ct) =>
            await Privacy.RevealAsync(await ((IPositionedEventReader)Inner).ReadAfterPositionAsync(position, max, ct), ct);

        public Task<long> LastPositionAsync(CancellationToken ct) => ((IPositionedEventReader)Inner).LastPositionAsync(ct);
    }

    private sealed class Segmented(IEventStore store, EventPrivacy keys) : PrivateEventStore(store, keys), ISegmentedEventReader, IRecentEventReader
    {
        public int Segments => ((ISegmentedEventReader)Inner).Segments;

        public async Task<SegmentPage> ReadSegmentPageAsync(int segment, string? cursor, CancellationToken ct)
        {
            var page = await ((ISegmentedEventReader)Inner).ReadSegmentPageAsync(segment, cursor, ct);
            return page with { Events = await Privacy.RevealAsync(page.Events, ct) };
        }

        public async IAsyncEnumerable<EventEnvelope> ReadRecordedSinceAsync(DateTimeOffset since, [EnumeratorCancellation] CancellationToken ct)
        {
            await foreach (var e in ((IRecentEventReader)Inner).ReadRecordedSinceAsync(since, ct)) yield return await Privacy.RevealAsync(e, ct);
        }
    }
}
