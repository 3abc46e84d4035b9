using EventBot.Domain.Common;

namespace EventBot.Domain.Sparkle;

/// <summary>The facts of the sparkle family. Stored contracts: add fields as optional, never rename.</summary>
public abstract record SparkleEvent
{
    private SparkleEvent() { }

    /// <summary>
    /// One user thanked another. Ids are plain snowflakes (a <see cref="UserId"/> would be stored as
    /// <c>{"value":…}</c>); names are as they were at the time. <paramref name="At"/> is the time the decision
    /// used for the cooldown, kept apart from the envelope's recorded-at so replays judge the same way.
    /// </summary>
    [EventType("SparkleGiven")]
    public sealed record SparkleGiven(
        ulong GiverId,
        string GiverName,
        ulong TargetId,
        string TargetName,
        string? Reason,
        DateTimeOffset? At) : SparkleEvent;
}
