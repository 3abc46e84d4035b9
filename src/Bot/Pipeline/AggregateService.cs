using EventBot.Bot.Chat;
using EventBot.Domain.Common;
using EventBot.EventStore;
using EventBot.Projections.Core;

namespace EventBot.Bot.Pipeline;

/// <summary>
/// Load → decide → append with the expected version, retried when another writer got there first; then wait until
/// the read-model rows the new events touch have applied them (read-your-writes), as the projections route them.
/// Handlers stay thin: they pick the stream and the decider, this does the rest.
/// </summary>
public sealed class AggregateService(IEventStore store, EventCodec codec, ProjectionRoutes routes, ReadYourWrites readYourWrites)
{
    public const int MaxAttempts = 25;

    /// <summary>Keys of <see cref="Exception.Data"/> naming the stream and expected version a failed command was on, for its log line.</summary>
    public const string StreamKey = "eventbot.stream";

    public const string VersionKey = "eventbot.version";

    public Task<CommandOutcome<TState, TEvent>> HandleAsync<TState, TEvent>(
        StreamName stream, TState initial, Func<TState, TEvent, TState> evolve, Func<TState, Decision<TEvent>> decide, ChatMessage chat, CancellationToken ct)
        where TEvent : notnull =>
        HandleAsync(stream, initial, evolve, (state, _) => decide(state), chat, ct);

    /// <param name="decide">Takes the state and the stream's events (oldest first), read once per attempt.</param>
    public async Task<CommandOutcome<TState, TEvent>> HandleAsync<TState, TEvent>(
        StreamName stream,
        TState initial,
        Func<TState, TEvent, TState> evolve,
        Func<TState, IReadOnlyList<TEvent>, Decision<TEvent>> decide,
        ChatMessage chat,
        CancellationToken ct)
        where TEvent : notnull
    {
        var context = new AppendContext(chat.Guild?.ToString() ?? "dm", chat.Author.Id.ToString(), chat.Author.DisplayName, chat.IdempotencyKey);
        for (var attempt = 1; ; attempt++)
        {
            var envelopes = await store.ReadStreamAsync(stream, 1, ct);
            var history = envelopes.Select(e => (TEvent)codec.Decode(e)).ToList();
            var (state, version) = (history.Aggregate(initial, evolve), envelopes.Count == 0 ? 0 : envelopes[^1].Version);
            switch (decide(state, history))
            {
                case Decision<TEvent>.Rejected r:
                    return new CommandOutcome<TState, TEvent>.Rejected(r.Code, r.Reason);
                case Decision<TEvent>.Accepted { Events.Count: 0 }:
                    return new CommandOutcome<TState, TEvent>.Unchanged(state, version);
                case Decision<TEvent>.Accepted a:
                    AppendResult result;
                    try
                    {
                        result = await store.AppendAsync(stream, version, [.. a.Events.Select(e => codec.Encode(e))], context, ct);
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
                            var caughtUp = await readYourWrites.WaitAllAsync(routes.RowsTouchedBy(appended.Events), ct);
                            return new CommandOutcome<TState, TEvent>.Appended(state, a.Events, appended.Events, caughtUp);
                        case AppendResult.AlreadyProcessed done:
                            return new CommandOutcome<TState, TEvent>.AlreadyHandled(done.LastVersion);
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
}

public sealed class ConcurrencyException(string message) : Exception(message);
