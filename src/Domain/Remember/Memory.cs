namespace EventBot.Domain.Remember;

using static RememberEvent;

/// <summary>The state of one key, as explicit phases rather than nullable flags.</summary>
public abstract record Memory
{
    private Memory() { }

    /// <summary>Never remembered.</summary>
    public sealed record Blank : Memory;

    /// <summary>Holds a value. <see cref="Key"/> is the display form it was first written with.</summary>
    public sealed record Holding(string Key, string Value) : Memory;

    /// <summary>Was remembered, then forgotten.</summary>
    public sealed record Forgotten(string Key, string LastValue) : Memory;

    public static readonly Memory Initial = new Blank();

    public static Memory Evolve(Memory state, RememberEvent @event) => (state, @event) switch
    {
        // Keep the first-written display while the key stays alive; a forgotten key starts afresh.
        (Holding h, ValueRemembered e) => h with { Value = e.Value },
        (Holding h, ValueRestored e) => h with { Value = e.Value },
        (_, ValueRemembered e) => new Holding(e.Key, e.Value),
        (_, ValueRestored e) => new Holding(e.Key, e.Value),
        (_, ValueForgotten e) => new Forgotten(e.Key, e.PreviousValue),
        _ => state,
    };

    public static Memory Fold(IEnumerable<RememberEvent> events) => events.Aggregate(Initial, Evolve);

    /// <summary>
    /// The state after <paramref name="event"/>, from that event alone: every remember event carries the key as the
    /// state holds it and the value it leaves, so the newest event is the state (Equinox's "latest known event") and a
    /// command or an <c>as of</c> reads one event, never the whole stream. Equal to the fold for every stream the
    /// decider writes (a property test proves it).
    /// </summary>
    public static Memory After(RememberEvent @event) => Evolve(Initial, @event);
}
