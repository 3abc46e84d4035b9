using System.Numerics;
using System.Text;
using System.Text.Json;
using EventBot.Projections.Feeds.Streams;
using EventBot.DynamoDbStreams;

namespace EventBot.Projections.Tests.Feeds.Streams;

public sealed class StreamRecordParserTests
{
    static IReadOnlyList<StreamRecord> Sample(string name)
    {
        using var file = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "Samples", name));
        return LambdaEventParser.Parse(file);
    }

    [Fact]
    public void DynamoDbEventSample_KeepsItsBom()
    {
        var bytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Samples", "dynamodb-event.json"));

        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
    }

    [Fact]
    public void DynamoDbEvent_WithBom_ParsesInsertWithEveryAttributeType()
    {
        var records = Sample("dynamodb-event.json");

        Assert.Equal(2, records.Count);
        var insert = records[0];
        Assert.Equal("f07f8ca4b0b26cb9c4e5e77e69f274ee", insert.EventId);
        Assert.Equal(StreamEventName.Insert, insert.EventName);
        Assert.Equal("1405400000000002063282832", insert.SequenceNumber);
        Assert.Equal(BigInteger.Parse("1405400000000002063282832"), insert.SequenceOrder);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1480642020), insert.ApproximateCreationDateTime);
        Assert.Equal("binary", insert.Keys["key"].S);
        Assert.Equal("data", insert.Keys["val"].S);
        Assert.Equal(54, insert.SizeBytes);
        Assert.Equal("NEW_AND_OLD_IMAGES", insert.StreamViewType);
        Assert.Equal("arn:aws:dynamodb:us-east-1:123456789012:table/Example-Table/stream/2016-12-01T00:00:00.000", insert.EventSourceArn);
        Assert.Equal("us-east-1", insert.AwsRegion);
        Assert.Equal("aws:dynamodb", insert.EventSource);
        Assert.Null(insert.UserIdentity);
        Assert.Null(insert.OldImage);

        var image = insert.NewImage!;
        Assert.Equal(new byte[] { 0x00, 0x01, 0x2A, 0x41 }, image["asdf1"].B.ToArray());
        Assert.Equal([[0x00, 0x01, 0x2A, 0x41], [0x41, 0x2A, 0x01, 0x00]], image["asdf2"].BS.Select(b => b.ToArray()).ToList());
        Assert.True(image["misc1"].IsLSet);
        Assert.Empty(image["misc1"].L);
        var map = image["misc2"].M;
        Assert.True(map["ItemsEmpty"].IsLSet);
        Assert.Empty(map["ItemsEmpty"].L);
        Assert.Equal(["Cookies", "Coffee"], map["ItemsNonEmpty"].L.Take(2).Select(v => v.S));
        Assert.Equal("3.14159", map["ItemsNonEmpty"].L[2].N);
        Assert.False(map["ItemBoolean"].BOOL);
        Assert.Equal(["0", "50", "150"], map["ItemNumberSet"].NS);
        Assert.True(map["ItemNull"].NULL);
        Assert.Equal(["Hippo", "Zebra"], map["ItemStringSet"].SS);
    }

    [Fact]
    public void DynamoDbEvent_TtlRemove_HasOldImageAndServiceIdentity()
    {
        var remove = Sample("dynamodb-event.json")[1];

        Assert.Equal(StreamEventName.Remove, remove.EventName);
        Assert.Null(remove.NewImage);
        Assert.Equal(3, remove.OldImage!["asdf2"].BS.Count);
        Assert.Equal(new StreamUserIdentity("Service", "dynamodb.amazonaws.com"), remove.UserIdentity);
        Assert.True(remove.UserIdentity!.IsTimeToLiveDelete);
        Assert.Equal("OLD_IMAGE", remove.StreamViewType);
    }

    [Fact]
    public void MillisecondTimestamps_MeanTheSameInstantAsSeconds()
    {
        var seconds = Sample("dynamodb-event.json");
        var milliseconds = Sample("dynamodb-with-ms-event.json");

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1480642020), milliseconds[0].ApproximateCreationDateTime);
        Assert.Equal(seconds[0].ApproximateCreationDateTime, milliseconds[0].ApproximateCreationDateTime);
        Assert.Equal(seconds[1].ApproximateCreationDateTime, milliseconds[1].ApproximateCreationDateTime);
    }

    [Fact]
    public void DynamoDbUpdate_InsertModifyRemove_InSequenceOrder()
    {
        var records = Sample("dynamodb-update.json");

        Assert.Equal([StreamEventName.Insert, StreamEventName.Modify, StreamEventName.Remove], records.Select(r => r.EventName));
        Assert.Equal(["111", "222", "333"], records.Select(r => r.SequenceNumber));
        Assert.Equal([111, 222, 333], records.Select(r => (int)r.SequenceOrder));
        Assert.All(records, r => Assert.Null(r.ApproximateCreationDateTime));
        Assert.Equal("101", records[1].Keys["Id"].N);
        Assert.Equal("This item has changed", records[1].NewImage!["Message"].S);
        Assert.Equal("New item!", records[1].OldImage!["Message"].S);
        Assert.Null(records[2].NewImage);
    }

    [Fact]
    public void BatchItemFailuresResponse_IsNotALambdaEvent()
    {
        var error = Assert.Throws<FormatException>(() => Sample("dynamodb-batchitemfailures-response.json"));

        Assert.Contains("Records", error.Message);
    }

    [Fact]
    public async Task ParseAsync_ReadsTheSameAsParse()
    {
        await using var file = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "Samples", "dynamodb-event.json"));

        var records = await LambdaEventParser.ParseAsync(file);

        Assert.Equal(Sample("dynamodb-event.json").Select(r => r.EventId), records.Select(r => r.EventId));
    }

    [Fact]
    public void GetRecordsShape_FractionalSecondsAndFortyDigitSequence()
    {
        const string json = """
            {"eventID":"e1","eventName":"MODIFY","eventVersion":"1.1","eventSource":"aws:dynamodb","awsRegion":"eu-west-1",
             "dynamodb":{"ApproximateCreationDateTime":1.7000000005E9,"Keys":{"pk":{"S":"a"},"version":{"N":"2"}},
             "SequenceNumber":"9999999999999999999999999999999999999999","SizeBytes":10,"StreamViewType":"KEYS_ONLY"}}
            """;
        using var document = JsonDocument.Parse(json);

        var record = StreamRecordParser.Parse(document.RootElement);

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_500), record.ApproximateCreationDateTime);
        Assert.Equal(BigInteger.Pow(10, 40) - 1, record.SequenceOrder);
        Assert.Null(record.NewImage);
        Assert.Null(record.EventSourceArn);
    }

    [Theory]
    [InlineData("""{"eventID":"e","eventName":"UPSERT","dynamodb":{"SequenceNumber":"1"}}""", "UPSERT")]
    [InlineData("""{"eventID":"e","eventName":"INSERT","dynamodb":{"SequenceNumber":"x1"}}""", "x1")]
    [InlineData("""{"eventID":"e","eventName":"INSERT"}""", "dynamodb")]
    [InlineData("""{"eventID":"e","eventName":"INSERT","dynamodb":{"SequenceNumber":"1","Keys":{"k":{"Q":"1"}}}}""", "Q")]
    public void Malformed_RecordsFailWithTheReason(string json, string mentioned)
    {
        using var document = JsonDocument.Parse(json);

        var error = Assert.Throws<FormatException>(() => StreamRecordParser.Parse(document.RootElement));

        Assert.Contains(mentioned, error.Message);
    }

    [Fact]
    public void Bom_IsToleratedOnAnyInput()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat("""{"Records":[]}"""u8.ToArray()).ToArray();

        Assert.Empty(LambdaEventParser.Parse(new MemoryStream(bytes)));
    }

    [Fact]
    public void AttributeValue_NullAndBoolAreDistinct()
    {
        using var document = JsonDocument.Parse("""{"a":{"NULL":true},"b":{"BOOL":true}}""");

        var a = StreamRecordParser.ParseAttributeValue(document.RootElement.GetProperty("a"));
        var b = StreamRecordParser.ParseAttributeValue(document.RootElement.GetProperty("b"));

        Assert.Equal((true, false), (a.NULL == true, a.IsBOOLSet));
        Assert.Equal((true, null), (b.BOOL == true, b.NULL));
    }
}

public sealed class StreamRecordCorrelationTests
{
    static StreamRecord Record(string extraAttributes) => StreamRecordParser.Parse(JsonDocument.Parse("""
        {"eventID":"1","eventName":"INSERT","dynamodb":{"SequenceNumber":"100","NewImage":{
          "stream_id":{"S":"remember/1/k"},"version":{"N":"1"},"event_id":{"S":"0190a5a0-0000-7000-8000-000000000001"},
          "type":{"S":"ValueRemembered"},"schema_version":{"N":"1"},"data":{"S":"{}"},"guild_id":{"S":"1"},
          "guild_category":{"S":"1#remember"},"actor_id":{"S":"2"},"actor_name":{"S":"ann"},"source":{"S":"discord:5"},
          "recorded_at":{"S":"2026-01-01T00:00:00.0000000Z"}
        """ + extraAttributes + "}}}").RootElement);

    [Fact]
    public void A_record_carries_the_correlation_of_its_event()
    {
        var record = Record("""
            ,"correlation_id":{"S":"discord:5"},"causation_id":{"S":"discord:5"},
            "trace_parent":{"S":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}
            """);

        Assert.Equal(StreamRecordKind.Event, StreamRecordEvents.Read(record, out var envelope, out _));
        Assert.Equal(("discord:5", "discord:5", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
            (envelope!.CorrelationId, envelope.CausationId, envelope.TraceParent));
    }

    [Fact]
    public void A_record_of_an_event_stored_before_correlation_reads_empty_values()
    {
        Assert.Equal(StreamRecordKind.Event, StreamRecordEvents.Read(Record(""), out var envelope, out _));
        Assert.Equal(("", "", ""), (envelope!.CorrelationId, envelope.CausationId, envelope.TraceParent));
    }
}

public sealed class StreamRecordUnfoldTests
{
    [Fact]
    public void The_unfold_item_written_beside_a_stream_is_a_foreign_record_never_an_event()
    {
        var record = StreamRecordParser.Parse(JsonDocument.Parse("""
            {"eventID":"1","eventName":"MODIFY","dynamodb":{"SequenceNumber":"100","NewImage":{
              "stream_id":{"S":"play/1/2"},"version":{"N":"0"},"unfold_type":{"S":"PlayerStats"},"unfold_schema":{"N":"1"},
              "unfold_data":{"S":"{}"},"unfold_version":{"N":"3"},"unfold_event_id":{"S":"0190a5a0-0000-7000-8000-000000000001"}}}}
            """).RootElement);

        Assert.Equal(StreamRecordKind.Foreign, StreamRecordEvents.Read(record, out var envelope, out var error));
        Assert.Null(envelope);
        Assert.Null(error);
        Assert.NotNull(EventBot.EventStore.DynamoDb.EventItem.FromUnfoldItem(record.NewImage));
    }
}
