namespace EventBot.Domain.Common;

/// <summary>
/// The stored name and schema version of an event. Stored names never follow CLR renames:
/// rename the record freely, never this name.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class EventTypeAttribute(string name, int schemaVersion = 1) : Attribute
{
    public string Name { get; } = name;

    public int SchemaVersion { get; } = schemaVersion;
}
