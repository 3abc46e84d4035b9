using EventBot.Domain.Common;

namespace EventBot.Bot.Pipeline;

/// <summary>
/// How a command loads its aggregate's state before deciding (Equinox's access strategies). Every case ends with the
/// state and the stream's version; they differ in what they read, so a command's cost need not grow with its stream.
/// </summary>
public abstract record StateAccess<TState, TEvent>(TState Initial, Func<TState, TEvent, TState> Evolve)
{
    /// <summary>Read every event and fold them (short streams, or a state that needs all of them).</summary>
    public sealed record Folded(TState Initial, Func<TState, TEvent, TState> Evolve) : StateAccess<TState, TEvent>(Initial, Evolve);

    /// <summary>The newest event alone is the state (<paramref name="After"/>): one event read, whatever the stream's length.</summary>
    public sealed record LatestEvent(TState Initial, Func<TState, TEvent, TState> Evolve, Func<TEvent, TState> After) : StateAccess<TState, TEvent>(Initial, Evolve);

    /// <summary>
    /// The state stored beside the stream (<paramref name="Codec"/>), written in every append's transaction, plus any
    /// events after it; a stream without one, with one of another type or schema, or with one that does not match the
    /// stream's event at its version, is folded from the start instead.
    /// </summary>
    public sealed record Unfolded(TState Initial, Func<TState, TEvent, TState> Evolve, StateCodec<TState> Codec) : StateAccess<TState, TEvent>(Initial, Evolve);
}
