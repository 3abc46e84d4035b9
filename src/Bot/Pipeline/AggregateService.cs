using EventBot.Bot.Chat;
using EventBot.Bot.Telemetry;
using EventBot.Domain.Common;
using EventBot.EventStore;
using EventBot.Projections.Core;

namespace EventBot.Bot.Pipeline;

/// <summary>
/// Load (as the command's <see cref="StateAccess{TState, TEvent}"/> says) → decide → append with the expected version
/// (and the new unfold, for unfolded aggregates, in the same transaction), retried when another writer got there first.
/// The reply does not wait for the projector: the rows the new events touch are recorded as the guild's pending writes,
/// and the guild's next read waits for them (<see cref="PendingWrites"/>). Handlers stay thin: they pick the stream and
/// the decider, this does the rest.
/// </summary>
public sealed class AggregateService(IEventStore store, EventCodec codec, ProjectionRoutes routes, PendingWrites pendingWrites)
{
    public const int MaxAttempts = 25;

    /// <summary>Keys of <see cref="Exception.Data"/> naming the stream and expected version a failed command was on, for its log line.</summary>
    public const string StreamKey = "eventbot.stream";

    public const string VersionKey = "eventbot.version";

    public Task<CommandOutcome<TState, TEvent>> HandleAsync<TState, TEvent>(
        StreamName stream, TState initial, Func<TState, TEvent, TState> evolve, Func<TState, Decision<TEvent>> decide, ChatMessage chat, CancellationToken ct)
        where TEvent : notnull =>
        HandleAsync(stream, new StateAccess<TState, TEvent>.Folded(initial, evolve), (state, _) => decide(state), chat, ct);

    /// <param name="access">How the state is loaded (see <see cref="StateAccess{TState, TEvent}"/>).</param>
    /// <param name="decide">Takes the state and the stream's version it was loaded at.</param>
    public async Task<CommandOutcome<TState, TEvent>> HandleAsync<TState, TEvent>(
        StreamName stream,
        StateAccess<TState, TEvent> access,
        Func<TState, long, Decision<TEvent>> decide,
        ChatMessage chat,
        CancellationToken ct)
        where TEvent : notnull
    {
        var context = new AppendContext(chat.Guild?.ToString() ?? "dm", chat.Author.Id.ToString(), chat.Author.DisplayName, chat.IdempotencyKey);
        for (var attempt = 1; ; attempt++)
        {
            TState state;
            long version;
            using (BotTelemetry.StartLoad(stream.Value))
                (state, version) = await LoadAsync(stream, access, ct);
            switch (BotTelemetry.Decide(decide, state, version))
            {
                case Decision<TEvent>.Rejected r:
                    return CommandTelemetry.Record(new CommandOutcome<TState, TEvent>.Rejected(r.Code, r.Reason));
                case Decision<TEvent>.Accepted { Events.Count: 0 }:
                    return CommandTelemetry.Record(new CommandOutcome<TState, TEvent>.Unchanged(state, version));
                case Decision<TEvent>.Accepted a:
                    AppendResult result;
                    try
                    {
                        EventData[] events = [.. a.Events.Select(e => codec.Encode(e))];
                        result = access is StateAccess<TState, TEvent>.Unfolded unfolded
                            ? await store.AppendWithUnfoldAsync(stream, version, events, Unfold(unfolded, a.Events.Aggregate(state, access.Evolve)), context, ct)
                            : await store.AppendAsync(stream, version, events, context, ct);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                    {
                        ex.Data[StreamKey] = stream.Value;
                        ex.Data[VersionKey] = version;
                        throw;
                    }
                    switch (result)
                    {
                        case AppendResult.Appended appended:
                            pendingWrites.Record(context.GuildId, routes.RowsTouchedBy(appended.Events));
                            return CommandTelemetry.Record(new CommandOutcome<TState, TEvent>.Appended(state, a.Events, appended.Events));
                        case AppendResult.AlreadyProcessed done:
                            return CommandTelemetry.Record(new CommandOutcome<TState, TEvent>.AlreadyHandled(done.LastVersion));
                        case AppendResult.WrongExpectedVersion when attempt < MaxAttempts:
                            // Another writer appended first: decide again on the new state, with jitter so
                            // a crowd of writers on one hot key spreads out instead of colliding in lockstep.
                            await Task.Delay(Random.Shared.Next(1, 5 * attempt), ct);
                            continue;
                        case AppendResult.WrongExpectedVersion w:
                            throw new ConcurrencyException($"{stream} kept changing: gave up after {attempt} attempts (last seen v{w.Actual}).");
                    }
                    break;
            }
            throw new InvalidOperationException("Unreachable decision outcome.");
        }
    }

    /// <summary>The state and the stream's version, read the way <paramref name="access"/> says.</summary>
    public async Task<(TState State, long Version)> LoadAsync<TState, TEvent>(StreamName stream, StateAccess<TState, TEvent> access, CancellationToken ct)
        where TEvent : notnull
    {
        switch (access)
        {
            case StateAccess<TState, TEvent>.LatestEvent latest:
                var newest = await store.ReadStreamBackwardAsync(stream, StreamRead.FromEnd, 1, ct);
                return newest.Count == 0 ? (access.Initial, 0) : (latest.After((TEvent)codec.Decode(newest[0])), newest[0].Version);
            case StateAccess<TState, TEvent>.Unfolded unfolded when await store.ReadUnfoldAsync(stream, ct) is { } stored && Usable(unfolded.Codec, stored, out var from):
                // Read from the unfold's own version: its event must be the one the unfold names, or the unfold lies
                // (written by a bug, or beside a stream that was re-created) and is not used.
                var tail = await store.ReadStreamAsync(stream, stored.Version, ct);
                if (tail.Count > 0 && tail[0].Version == stored.Version && tail[0].EventId == stored.EventId)
                    return (tail.Skip(1).Select(e => (TEvent)codec.Decode(e)).Aggregate(from, access.Evolve), tail[^1].Version);
                return await FoldAsync(stream, access, ct);
            default:
                return await FoldAsync(stream, access, ct);
        }
    }

    private async Task<(TState State, long Version)> FoldAsync<TState, TEvent>(StreamName stream, StateAccess<TState, TEvent> access, CancellationToken ct)
        where TEvent : notnull
    {
        var envelopes = await store.ReadStreamAsync(stream, 1, ct);
        return (envelopes.Select(e => (TEvent)codec.Decode(e)).Aggregate(access.Initial, access.Evolve), envelopes.Count == 0 ? 0 : envelopes[^1].Version);
    }

    // Another type or another schema version (written by older or newer code) is never decoded: fold instead.
    private static bool Usable<TState>(StateCodec<TState> codec, StreamUnfold stored, out TState state)
    {
        state = default!;
        if (stored.Type != codec.Type || stored.SchemaVersion != codec.SchemaVersion || stored.Version < 1) return false;
        try
        {
            state = codec.Decode(stored.Data);
            return true;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException or OverflowException or NotSupportedException or InvalidCastException)
        {
            return false;
        }
    }

    private static UnfoldData Unfold<TState, TEvent>(StateAccess<TState, TEvent>.Unfolded access, TState after) =>
        new(access.Codec.Type, access.Codec.SchemaVersion, access.Codec.Encode(after));
}

public sealed class ConcurrencyException(string message) : Exception(message);
