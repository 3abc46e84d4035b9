using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace EventBot.EventStore.Telemetry;

/// <summary>
/// Wraps a store's appends in an <c>eventbot.append</c> span (stream, expected version, events, outcome), counts
/// events, conflicts and append time, stamps the span's W3C <c>traceparent</c> on the envelope (so a projector can
/// link its work to the command that appended), and opens a log scope with the stream and expected version. Reads
/// pass straight through: only writers are wrapped, so readers keep the store's own capabilities (positions, segments).
/// </summary>
public sealed class InstrumentedEventStore(IEventStore inner, string storeName, ILogger<InstrumentedEventStore>? logger = null) : IEventStore
{
    public IEventStore Inner => inner;

    public Task<AppendResult> AppendAsync(StreamName stream, long expectedVersion, IReadOnlyList<EventData> events, AppendContext context, CancellationToken ct) =>
        InstrumentAsync(stream, expectedVersion, events, context, c => inner.AppendAsync(stream, expectedVersion, events, c, ct));

    public Task<AppendResult> AppendWithUnfoldAsync(StreamName stream, long expectedVersion, IReadOnlyList<EventData> events, UnfoldData unfold,
        AppendContext context, CancellationToken ct) =>
        InstrumentAsync(stream, expectedVersion, events, context, c => inner.AppendWithUnfoldAsync(stream, expectedVersion, events, unfold, c, ct));

    private async Task<AppendResult> InstrumentAsync(StreamName stream, long expectedVersion, IReadOnlyList<EventData> events, AppendContext context,
        Func<AppendContext, Task<AppendResult>> append)
    {
        if (!EventStoreTelemetry.Enabled && logger is null)
            return await append(context);

        using var scope = logger?.BeginScope(new AppendScope(stream.Value, expectedVersion));
        using var activity = EventStoreTelemetry.Source.StartActivity("eventbot.append", ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag(EventStoreTelemetry.StreamAttribute, stream.Value);
            activity.SetTag(EventStoreTelemetry.ExpectedVersionAttribute, expectedVersion);
            activity.SetTag(EventStoreTelemetry.EventsAttribute, events.Count);
            activity.SetTag(EventStoreTelemetry.StoreAttribute, storeName);
            if (context.TraceParent.Length == 0 && activity.IdFormat == ActivityIdFormat.W3C)
                context = context with { TraceParent = activity.Id! };
        }
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await append(context);
            var outcome = EventStoreTelemetry.OutcomeOf(result);
            activity?.SetTag(EventStoreTelemetry.OutcomeAttribute, outcome);
            EventStoreTelemetry.AppendDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
                new(EventStoreTelemetry.StoreAttribute, storeName), new(EventStoreTelemetry.OutcomeAttribute, outcome));
            switch (result)
            {
                case AppendResult.Appended:
                    foreach (var e in events) EventStoreTelemetry.EventsAppended.Add(1, new KeyValuePair<string, object?>(EventStoreTelemetry.EventTypeAttribute, e.Type));
                    break;
                case AppendResult.WrongExpectedVersion:
                    EventStoreTelemetry.AppendConflicts.Add(1, new KeyValuePair<string, object?>(EventStoreTelemetry.StoreAttribute, storeName));
                    break;
            }
            return result;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            EventStoreTelemetry.AppendDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
                new(EventStoreTelemetry.StoreAttribute, storeName), new(EventStoreTelemetry.OutcomeAttribute, "error"));
            throw;
        }
    }

    public Task<IReadOnlyList<EventEnvelope>> ReadStreamAsync(StreamName stream, long fromVersion, CancellationToken ct) =>
        inner.ReadStreamAsync(stream, fromVersion, ct);

    public Task<IReadOnlyList<EventEnvelope>> ReadStreamBackwardAsync(StreamName stream, long beforeVersion, int limit, CancellationToken ct) =>
        inner.ReadStreamBackwardAsync(stream, beforeVersion, limit, ct);

    public Task<StreamUnfold?> ReadUnfoldAsync(StreamName stream, CancellationToken ct) => inner.ReadUnfoldAsync(stream, ct);

    public Task<IReadOnlyList<EventEnvelope>> ReadGuildHistoryAsync(string guildId, string category, int skip, int take, CancellationToken ct) =>
        inner.ReadGuildHistoryAsync(guildId, category, skip, take, ct);

    public IAsyncEnumerable<EventEnvelope> ReadGuildEventsAsync(string guildId, string category, CancellationToken ct) =>
        inner.ReadGuildEventsAsync(guildId, category, ct);

    public IAsyncEnumerable<EventEnvelope> ReadAllAsync(CancellationToken ct) => inner.ReadAllAsync(ct);

    /// <summary>The log scope of an append: shows as <c>Stream</c> and <c>ExpectedVersion</c> in JSON logs.</summary>
    private sealed class AppendScope(string stream, long expectedVersion) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public KeyValuePair<string, object?> this[int index] => index switch
        {
            0 => new("Stream", stream),
            1 => new("ExpectedVersion", expectedVersion),
            _ => throw new ArgumentOutOfRangeException(nameof(index)),
        };

        public int Count => 2;

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            yield return this[0];
            yield return this[1];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => $"{stream} @ v{expectedVersion}";
    }
}
