namespace EventBot.EventStore;

/// <summary>
/// Every upcaster, registered in one place. Add one whenever an event's schema version goes up;
/// never edit an old one, since stored events depend on it forever.
/// </summary>
public static class Upcasters
{
    public static IReadOnlyList<Upcaster> All { get; } = [];
}
