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
