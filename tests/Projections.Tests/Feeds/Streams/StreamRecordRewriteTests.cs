using System.Text.Json;
using EventBot.DynamoDbStreams;
using EventBot.Projections.Feeds.Streams;

namespace EventBot.Projections.Tests.Feeds.Streams;

/// <summary>
/// The records the sanctioned rewrite of legacy plaintext produces (docs/privacy.md): the MODIFY of an event rewritten
/// in place and the INSERT of an event moved to a pseudonymous stream carry <c>rewritten_at</c> and are not new events
/// (the erasure that ran the rewrite rebuilds the read models); the REMOVE of the moved item is skipped like any REMOVE.
/// </summary>
public sealed class StreamRecordRewriteTests
{
    private static StreamRecord Record(string eventName, string extraAttributes) => StreamRecordParser.Parse(JsonDocument.Parse($$"""
        {"eventID":"1","eventName":"{{eventName}}","dynamodb":{"SequenceNumber":"100","NewImage":{
          "stream_id":{"S":"play/1/~kabc"},"version":{"N":"2"},"event_id":{"S":"0190a5a0-0000-7000-8000-000000000001"},
          "type":{"S":"GamePlayed"},"schema_version":{"N":"1"},"data":{"S":"{}"},"guild_id":{"S":"1"},
          "guild_category":{"S":"1#play"},"actor_id":{"S":"~kabc"},"actor_name":{"S":"[erased user]"},"source":{"S":"discord:5"},
          "recorded_at":{"S":"2026-01-01T00:00:00.0000000Z"}
        """ + extraAttributes + "}}}").RootElement);

    [Theory]
    [InlineData("MODIFY")]
    [InlineData("INSERT")]
    public void A_rewritten_item_is_not_a_new_event(string eventName)
    {
        Assert.Equal(StreamRecordKind.Foreign, StreamRecordEvents.Read(Record(eventName, ""","rewritten_at":{"S":"2026-12-06T12:00:00.0000000Z"}"""), out var envelope, out var error));
        Assert.Null(envelope);
        Assert.Null(error);
    }

    [Fact]
    public void The_same_item_without_the_mark_is_an_event()
    {
        Assert.Equal(StreamRecordKind.Event, StreamRecordEvents.Read(Record("INSERT", ""), out var envelope, out _));
        Assert.Equal("play/1/~kabc", envelope!.StreamId);
    }
}
