using EventBot.Bot.Chat;
using EventBot.Bot.Telemetry;
using EventBot.Domain.Common;
using EventBot.EventStore;

namespace EventBot.Bot.Pipeline;

/// <summary>What running a command against one stream came to.</summary>
public abstract record CommandOutcome<TState, TEvent>
{
    private CommandOutcome() { }

    public sealed record Appended(TState Before, IReadOnlyList<TEvent> Events, long Version) : CommandOutcome<TState, TEvent>;

    /// <summary>The decider found nothing to change (a harmless repeat).</summary>
    public sealed record Unchanged(TState State, long Version) : CommandOutcome<TState, TEvent>;

    public sealed record Rejected(string Code, string Reason) : CommandOutcome<TState, TEvent>;

    /// <summary>This chat message was handled before (a redelivery): nothing appended now.</summary>
    public sealed record AlreadyHandled(long Version) : CommandOutcome<TState, TEvent>;
}

/// <summary>
/// Load → decide → append with the expected version, retried when another writer got there first.
/// Handlers stay thin: they pick the stream and the decider, this does the rest.
/// </summary>
public sealed class AggregateService(IEventStore store, EventCodec codec)
{
    public const int MaxAttempts = 25;

    public async Task<(TState State, long Version)> LoadAsync<TState, TEvent>(StreamName stream, TState initial, Func<TState, TEvent, TState> evolve, CancellationToken ct)
    {
        using var activity = BotTelemetry.StartLoad(stream.Value);
        var state = initial;
        long version = 0;
        foreach (var envelope in await store.ReadStreamAsync(stream, 1, ct))
        {
            state = evolve(state, (TEvent)codec.Decode(envelope));
            version = envelope.Version;
        }
        return (state, version);
    }

    public async Task<CommandOutcome<TState, TEvent>> HandleAsync<TState, TEvent>(
        StreamName stream,
        TState initial,
        Func<TState, TEvent, TState> evolve,
        Func<TState, Decision<TEvent>> decide,
        ChatMessage chat,
        CancellationToken ct)
        where TEvent : notnull
    {
        var context = new AppendContext(chat.Guild?.ToString() ?? "dm", chat.Author.Id.ToString(), chat.Author.DisplayName, chat.IdempotencyKey);
        for (var attempt = 1; ; attempt++)
        {
            var (state, version) = await LoadAsync(stream, initial, evolve, ct);
            switch (BotTelemetry.Decide(decide, state))
            {
                case Decision<TEvent>.Rejected r:
                    return CommandTelemetry.Record(new CommandOutcome<TState, TEvent>.Rejected(r.Code, r.Reason));
                case Decision<TEvent>.Accepted { Events.Count: 0 }:
                    return CommandTelemetry.Record(new CommandOutcome<TState, TEvent>.Unchanged(state, version));
                case Decision<TEvent>.Accepted a:
                    var result = await store.AppendAsync(stream, version, [.. a.Events.Select(e => codec.Encode(e))], context, ct);
                    switch (result)
                    {
                        case AppendResult.Appended appended:
                            return CommandTelemetry.Record(new CommandOutcome<TState, TEvent>.Appended(state, a.Events, appended.NextExpectedVersion));
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
}

public sealed class ConcurrencyException(string message) : Exception(message);
