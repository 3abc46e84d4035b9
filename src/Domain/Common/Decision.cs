namespace EventBot.Domain.Common;

/// <summary>What a decider answers: the events to append (none for a harmless repeat), or a rejection.</summary>
public abstract record Decision<TEvent>
{
    private Decision() { }

    public sealed record Accepted(IReadOnlyList<TEvent> Events) : Decision<TEvent>;

    public sealed record Rejected(string Code, string Reason) : Decision<TEvent>;

    public static Decision<TEvent> Accept(params TEvent[] events) => new Accepted(events);

    public static Decision<TEvent> Nothing() => new Accepted([]);

    public static Decision<TEvent> Reject(string code, string reason) => new Rejected(code, reason);
}
