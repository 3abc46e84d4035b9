using EventBot.EventStore;

namespace EventBot.Bot.Pipeline;

/// <summary>What running a command against one stream came to. <see cref="Match{T}"/> names every case.</summary>
public abstract record CommandOutcome<TState, TEvent>
{
    private CommandOutcome() { }

    public abstract T Match<T>(Func<Appended, T> appended, Func<Unchanged, T> unchanged, Func<Rejected, T> rejected, Func<AlreadyHandled, T> alreadyHandled);

    /// <summary>
    /// Stored as <see cref="Envelopes"/>. The reply does not wait for the read models: the guild's next read does
    /// (<see cref="PendingWrites"/>).
    /// </summary>
    public sealed record Appended(TState Before, IReadOnlyList<TEvent> Events, IReadOnlyList<EventEnvelope> Envelopes) : CommandOutcome<TState, TEvent>
    {
        public long Version => Envelopes[^1].Version;

        /// <summary>The one event of this type the decision made.</summary>
        public TOne Event<TOne>() where TOne : TEvent => Events.OfType<TOne>().Single();

        public override T Match<T>(Func<Appended, T> appended, Func<Unchanged, T> unchanged, Func<Rejected, T> rejected, Func<AlreadyHandled, T> alreadyHandled) =>
            appended(this);
    }

    /// <summary>The decider found nothing to change (a harmless repeat).</summary>
    public sealed record Unchanged(TState State, long Version) : CommandOutcome<TState, TEvent>
    {
        public override T Match<T>(Func<Appended, T> appended, Func<Unchanged, T> unchanged, Func<Rejected, T> rejected, Func<AlreadyHandled, T> alreadyHandled) =>
            unchanged(this);
    }

    public sealed record Rejected(string Code, string Reason) : CommandOutcome<TState, TEvent>
    {
        public override T Match<T>(Func<Appended, T> appended, Func<Unchanged, T> unchanged, Func<Rejected, T> rejected, Func<AlreadyHandled, T> alreadyHandled) =>
            rejected(this);
    }

    /// <summary>This chat message was handled before (a redelivery): nothing appended now.</summary>
    public sealed record AlreadyHandled(long Version) : CommandOutcome<TState, TEvent>
    {
        public override T Match<T>(Func<Appended, T> appended, Func<Unchanged, T> unchanged, Func<Rejected, T> rejected, Func<AlreadyHandled, T> alreadyHandled) =>
            alreadyHandled(this);
    }
}
