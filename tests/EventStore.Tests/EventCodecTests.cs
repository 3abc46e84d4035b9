using System.Text.Json.Nodes;
using EventBot.Domain.Common;
using EventBot.Domain.Remember;

namespace EventBot.EventStore.Tests;

public sealed class EventCodecTests
{
    [Fact]
    public void Events_are_stored_under_their_wire_name_and_read_back_equal()
    {
        var e = new RememberEvent.ValueRemembered("Meeting", "tomorrow\nat 10", "today");

        var data = EventCodec.Default.Encode(e);

        Assert.Equal(("ValueRemembered", 1), (data.Type, data.SchemaVersion));
        Assert.Equal(e, EventCodec.Default.Decode(data.Type, data.SchemaVersion, data.Data));
    }

    [Fact]
    public void Every_event_type_has_generated_json_metadata_that_writes_what_reflection_wrote()
    {
        var reflection = new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)
        {
            TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
        };
        var samples = new object[]
        {
            new RememberEvent.ValueRemembered("Meeting", "tomorrow", null),
            new RememberEvent.ValueForgotten("Meeting", "tomorrow"),
            new RememberEvent.ValueRestored("Meeting", "today", "tomorrow", 3),
            new RememberEvent.ValueRedacted("Meeting", 2),
            new Domain.Privacy.PrivacyEvent.UserForgotten("e1", 4, "self"),
            new Domain.Privacy.PrivacyEvent.GuildPurged(7, "operator"),
            new Domain.Privacy.PrivacyEvent.GuildPurgeScheduled(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero)),
            new Domain.Privacy.PrivacyEvent.GuildPurgeCancelled(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero)),
            new Domain.Privacy.PrivacyEvent.LegacyEventsRewritten("user", 6, 2),
            new Domain.Sparkle.SparkleEvent.SparkleGiven(1, "ann", 2, "bob", "the review", new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero)),
            new Domain.Play.PlayEvent.GamePlayed(Domain.Play.Game.Dice, "2d6", null, null, [3, 4], [1, 2], Domain.Play.GameResult.Win,
                new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero)),
        };

        // Every [EventType] of the domain is generated (a new event type must be added to DomainJson).
        Assert.All(EventCodec.Default.KnownTypes, name => Assert.NotNull(DomainJson.Default.GetTypeInfo(
            typeof(EventTypeAttribute).Assembly.GetTypes().Single(t => t.GetCustomAttributes(typeof(EventTypeAttribute), false) is [EventTypeAttribute a] && a.Name == name))));
        Assert.Equal(EventCodec.Default.KnownTypes.Count(), samples.Length);
        foreach (var sample in samples)
        {
            var data = EventCodec.Default.Encode(sample);
            Assert.Equal(System.Text.Json.JsonSerializer.Serialize(sample, sample.GetType(), reflection), data.Data);
            Assert.Equal(sample, EventCodec.Default.Decode(data.Type, data.SchemaVersion, data.Data));
        }
    }

    [Fact]
    public void Unknown_types_newer_versions_and_bad_data_are_clear_decode_errors()
    {
        Assert.Contains("Unknown event type", Assert.Throws<EventDecodeException>(() => EventCodec.Default.Decode("Nope", 1, "{}")).Message);
        Assert.Contains("newer", Assert.Throws<EventDecodeException>(() => EventCodec.Default.Decode("ValueRemembered", 9, "{}")).Message);
        Assert.Contains("not readable", Assert.Throws<EventDecodeException>(() => EventCodec.Default.Decode("ValueRemembered", 1, "{oops")).Message);
    }

    [EventType("Renamed", schemaVersion: 2)]
    private sealed record RenamedV2(string Title, string Body);

    [Fact]
    public void Old_schema_versions_are_upcast_step_by_step_on_read()
    {
        var codec = new EventCodec([typeof(RenamedV2)],
            [new Upcaster("Renamed", 1, old => new JsonObject { ["title"] = old["name"]?.GetValue<string>(), ["body"] = old["text"]?.GetValue<string>() })]);

        var decoded = codec.Decode("Renamed", 1, """{"name":"n","text":"t"}""");

        Assert.Equal(new RenamedV2("n", "t"), decoded);
    }
}
