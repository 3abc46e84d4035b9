using EventBot.Domain.Common;

namespace EventBot.Domain.Remember;

/// <summary>The facts of the remember family. Stored contracts: add fields as optional, never rename.</summary>
public abstract record RememberEvent
{
    private RememberEvent() { }

    /// <summary>The key as written when it was first remembered (display form).</summary>
    public abstract string Key { get; init; }

    [EventType("ValueRemembered")]
    public sealed record ValueRemembered(string Key, string Value, string? PreviousValue) : RememberEvent;

    [EventType("ValueForgotten")]
    public sealed record ValueForgotten(string Key, string PreviousValue) : RememberEvent;

    /// <summary>An old value brought back from a version in the key's own history.</summary>
    [EventType("ValueRestored")]
    public sealed record ValueRestored(string Key, string Value, string? PreviousValue, long FromVersion) : RememberEvent;

    /// <summary>
    /// A moderator erased the value of <paramref name="Version"/> for good (its key was destroyed, docs/privacy.md); the
    /// value itself is not here. It now reads as <see cref="Erased.Value"/> wherever it was stored.
    /// </summary>
    [EventType("ValueRedacted")]
    public sealed record ValueRedacted(string Key, long Version) : RememberEvent;
}
