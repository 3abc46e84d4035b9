using System.Text.Json;
using System.Text.Json.Serialization;
using EventBot.Domain.Play;
using EventBot.Domain.Privacy;
using EventBot.Domain.Remember;
using EventBot.Domain.Sparkle;

namespace EventBot.Domain.Common;

/// <summary>
/// JSON metadata for every event type, generated at compile time. The codec (src/EventStore/EventCodec.cs) puts it
/// first in its resolver chain, so encoding and decoding an event builds no serializer by reflection (and emits no IL)
/// at start: a one-shot command no longer pays for that on its first event. The web defaults are the codec's own, so
/// the JSON is the same. A new event type belongs here too (a test holds every [EventType] to it).
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(RememberEvent.ValueRemembered))]
[JsonSerializable(typeof(RememberEvent.ValueForgotten))]
[JsonSerializable(typeof(RememberEvent.ValueRestored))]
[JsonSerializable(typeof(RememberEvent.ValueRedacted))]
[JsonSerializable(typeof(PrivacyEvent.UserForgotten))]
[JsonSerializable(typeof(PrivacyEvent.GuildPurged))]
[JsonSerializable(typeof(PrivacyEvent.GuildPurgeScheduled))]
[JsonSerializable(typeof(PrivacyEvent.GuildPurgeCancelled))]
[JsonSerializable(typeof(PrivacyEvent.LegacyEventsRewritten))]
[JsonSerializable(typeof(SparkleEvent.SparkleGiven))]
[JsonSerializable(typeof(PlayEvent.GamePlayed))]
public sealed partial class DomainJson : JsonSerializerContext;
