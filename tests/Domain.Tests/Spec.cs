using EventBot.Domain.Common;

namespace EventBot.Domain.Tests;

/// <summary>
/// Given/when/then for a decider, so a test reads as a sentence:
/// <c>Spec.Given(history).When(command).Then(events)</c> or <c>.ThenRejected(code)</c>.
/// </summary>
public sealed class Spec<TCommand, TState, TEvent>(
    TState initial,
    Func<TState, TEvent, TState> evolve,
    Func<TCommand, TState, Decision<TEvent>> decide)
{
    private readonly Func<TState, TEvent, TState> _evolve = evolve;
    private readonly Func<TCommand, TState, Decision<TEvent>> _decide = decide;

    public Scenario Given(params TEvent[] history) => new(this, history.Aggregate(initial, _evolve));

    public sealed class Scenario(Spec<TCommand, TState, TEvent> spec, TState state)
    {
        /// <summary>The folded history, for assertions about state itself.</summary>
        public TState State => state;

        public Outcome When(TCommand command) => new(spec, state, spec._decide(command, state));
    }

    public sealed class Outcome(Spec<TCommand, TState, TEvent> spec, TState state, Decision<TEvent> decision)
    {
        public Decision<TEvent> Decision => decision;

        /// <summary>Asserts exactly these events, in order; returns the state after them.</summary>
        public TState Then(params TEvent[] expected)
        {
            var accepted = decision as Decision<TEvent>.Accepted
                ?? throw new Xunit.Sdk.XunitException($"Expected events, but the command was rejected: {decision}");
            Assert.Equal(expected, accepted.Events);
            return accepted.Events.Aggregate(state, spec._evolve);
        }

        /// <summary>A harmless repeat: accepted, nothing to append.</summary>
        public void ThenNothing() => Then();

        public Decision<TEvent>.Rejected ThenRejected(string code)
        {
            if (decision is not Decision<TEvent>.Rejected rejected)
            {
                var events = string.Join(", ", ((Decision<TEvent>.Accepted)decision).Events);
                throw new Xunit.Sdk.XunitException($"Expected rejection '{code}', but got events: [{events}]");
            }
            Assert.Equal(code, rejected.Code);
            return rejected;
        }
    }
}
