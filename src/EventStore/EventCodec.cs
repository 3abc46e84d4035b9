using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using EventBot.Domain.Common;

namespace EventBot.EventStore;

/// <summary>Turns an old stored shape into the next schema version's shape.</summary>
public sealed record Upcaster(string Type, int FromVersion, Func<JsonObject, JsonObject> Upcast);

/// <summary>Raised when stored data cannot become a domain event; the projector dead-letters it.</summary>
public sealed class EventDecodeException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The one place where wire names meet CLR types. Names come from <see cref="EventTypeAttribute"/>, so renaming a
/// record never changes what is stored; old schema versions are upcast on read, step by step.
/// </summary>
public sealed class EventCodec
{
    /// <summary>
    /// Web defaults; events through their generated metadata (<see cref="DomainJson"/>), anything else (read-model
    /// documents, checkpoints) by reflection as before.
    /// </summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = System.Text.Json.Serialization.Metadata.JsonTypeInfoResolver.Combine(
            DomainJson.Default, new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver()),
    };

    private readonly FrozenDictionary<string, (Type Clr, int Version)> _byName;
    private readonly FrozenDictionary<Type, (string Name, int Version)> _byType;
    private readonly FrozenDictionary<(string, int), Upcaster> _upcasters;

    public EventCodec(IEnumerable<Type> eventTypes, IEnumerable<Upcaster>? upcasters = null)
    {
        var byName = new Dictionary<string, (Type, int)>(StringComparer.Ordinal);
        var byType = new Dictionary<Type, (string, int)>();
        foreach (var type in eventTypes)
        {
            var attribute = type.GetCustomAttribute<EventTypeAttribute>()
                ?? throw new ArgumentException($"{type.Name} has no [EventType] wire name.", nameof(eventTypes));
            if (!byName.TryAdd(attribute.Name, (type, attribute.SchemaVersion)))
                throw new ArgumentException($"Two event types claim the wire name '{attribute.Name}'.", nameof(eventTypes));
            byType[type] = (attribute.Name, attribute.SchemaVersion);
        }
        _byName = byName.ToFrozenDictionary(StringComparer.Ordinal);
        _byType = byType.ToFrozenDictionary();
        _upcasters = (upcasters ?? []).ToFrozenDictionary(u => (u.Type, u.FromVersion));
    }

    /// <summary>Every event of the domain assembly, plus the upcasters registered for them.</summary>
    public static EventCodec Default { get; } = new(
        typeof(EventTypeAttribute).Assembly.GetTypes().Where(t => t.GetCustomAttribute<EventTypeAttribute>() is not null),
        Upcasters.All);

    public IEnumerable<string> KnownTypes => _byName.Keys;

    public bool IsKnown(string type) => _byName.ContainsKey(type);

    public EventData Encode(object @event)
    {
        if (!_byType.TryGetValue(@event.GetType(), out var wire))
            throw new ArgumentException($"{@event.GetType().Name} is not a registered event type.", nameof(@event));
        return new EventData(wire.Name, wire.Version, JsonSerializer.Serialize(@event, @event.GetType(), Json));
    }

    public object Decode(EventEnvelope envelope) => Decode(envelope.Type, envelope.SchemaVersion, envelope.Data);

    public object Decode(string type, int schemaVersion, string data)
    {
        if (!_byName.TryGetValue(type, out var wire))
            throw new EventDecodeException($"Unknown event type '{type}' (schema v{schemaVersion}).");
        if (schemaVersion > wire.Version)
            throw new EventDecodeException($"'{type}' v{schemaVersion} is newer than this code understands (v{wire.Version}); upgrade the projector.");
        try
        {
            if (schemaVersion == wire.Version)
            {
                // Current schema (nearly every event): straight into the type, no intermediate JSON tree.
                if (!data.AsSpan().TrimStart().StartsWith("{", StringComparison.Ordinal))
                    throw new EventDecodeException($"'{type}' v{schemaVersion} data is not a JSON object.");
                return JsonSerializer.Deserialize(data, wire.Clr, Json)
                    ?? throw new EventDecodeException($"'{type}' v{schemaVersion} decoded to nothing.");
            }
            var node = JsonNode.Parse(data) as JsonObject
                ?? throw new EventDecodeException($"'{type}' v{schemaVersion} data is not a JSON object.");
            for (var version = schemaVersion; version < wire.Version; version++)
            {
                if (!_upcasters.TryGetValue((type, version), out var upcaster))
                    throw new EventDecodeException($"No upcaster from '{type}' v{version} to v{version + 1}.");
                node = upcaster.Upcast(node);
            }
            return node.Deserialize(wire.Clr, Json)
                ?? throw new EventDecodeException($"'{type}' v{schemaVersion} decoded to nothing.");
        }
        catch (JsonException ex)
        {
            throw new EventDecodeException($"'{type}' v{schemaVersion} data is not readable: {ex.Message}", ex);
        }
    }
}
