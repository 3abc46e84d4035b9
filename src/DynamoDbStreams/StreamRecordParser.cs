using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Amazon.DynamoDBv2.Model;

namespace EventBot.DynamoDbStreams;

/// <summary>
/// Reads the DynamoDB Streams record JSON shared by GetRecords responses and Lambda events
/// (<c>{"eventID","eventName","dynamodb":{...},"eventSourceARN","userIdentity"}</c>).
/// </summary>
public static class StreamRecordParser
{
    // Epoch seconds stay below 1e11 until the year 5138; epoch milliseconds pass it in 1973.
    const double MillisecondsThreshold = 1e11;

    public static StreamRecord Parse(JsonElement record)
    {
        if (record.ValueKind != JsonValueKind.Object)
            throw new FormatException($"A stream record must be a JSON object, not {record.ValueKind}.");
        if (!record.TryGetProperty("dynamodb", out var dynamodb) || dynamodb.ValueKind != JsonValueKind.Object)
            throw new FormatException("A stream record has no \"dynamodb\" object.");

        var sequenceNumber = RequiredString(dynamodb, "SequenceNumber");
        if (!BigInteger.TryParse(sequenceNumber, NumberStyles.None, CultureInfo.InvariantCulture, out var order))
            throw new FormatException($"SequenceNumber '{sequenceNumber}' is not a decimal number.");

        return new StreamRecord
        {
            EventId = RequiredString(record, "eventID"),
            EventName = ParseEventName(RequiredString(record, "eventName")),
            SequenceNumber = sequenceNumber,
            SequenceOrder = order,
            ApproximateCreationDateTime = ParseCreationTime(dynamodb),
            Keys = Item(dynamodb, "Keys") ?? [],
            NewImage = Item(dynamodb, "NewImage"),
            OldImage = Item(dynamodb, "OldImage"),
            SizeBytes = dynamodb.TryGetProperty("SizeBytes", out var size) && size.ValueKind == JsonValueKind.Number
                ? size.GetInt64()
                : null,
            StreamViewType = OptionalString(dynamodb, "StreamViewType"),
            EventSourceArn = OptionalString(record, "eventSourceARN"),
            AwsRegion = OptionalString(record, "awsRegion"),
            EventSource = OptionalString(record, "eventSource"),
            EventVersion = OptionalString(record, "eventVersion"),
            UserIdentity = record.TryGetProperty("userIdentity", out var identity) && identity.ValueKind == JsonValueKind.Object
                ? new StreamUserIdentity(OptionalString(identity, "type"), OptionalString(identity, "principalId"))
                : null,
        };
    }

    /// <summary>Reads one attribute value in DynamoDB JSON (<c>{"S":"x"}</c>, <c>{"M":{...}}</c>, ...).</summary>
    public static AttributeValue ParseAttributeValue(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new FormatException($"An attribute value must be a JSON object, not {value.ValueKind}.");
        using var properties = value.EnumerateObject();
        if (!properties.MoveNext())
            throw new FormatException("An attribute value has no type.");
        var typed = properties.Current;
        var v = typed.Value;
        return typed.Name switch
        {
            "S" => new AttributeValue { S = v.GetString() },
            "N" => new AttributeValue { N = v.GetString() },
            "B" => new AttributeValue { B = new MemoryStream(v.GetBytesFromBase64()) },
            "SS" => new AttributeValue { SS = v.EnumerateArray().Select(e => e.GetString()!).ToList() },
            "NS" => new AttributeValue { NS = v.EnumerateArray().Select(e => e.GetString()!).ToList() },
            "BS" => new AttributeValue { BS = v.EnumerateArray().Select(e => new MemoryStream(e.GetBytesFromBase64())).ToList() },
            "M" => new AttributeValue { M = Map(v) },
            "L" => new AttributeValue { L = v.EnumerateArray().Select(ParseAttributeValue).ToList() },
            "NULL" => new AttributeValue { NULL = v.GetBoolean() },
            "BOOL" => new AttributeValue { BOOL = v.GetBoolean() },
            var other => throw new FormatException($"Unknown attribute type '{other}'."),
        };
    }

    static Dictionary<string, AttributeValue>? Item(JsonElement dynamodb, string name) =>
        dynamodb.TryGetProperty(name, out var item) && item.ValueKind == JsonValueKind.Object ? Map(item) : null;

    static Dictionary<string, AttributeValue> Map(JsonElement map)
    {
        var result = new Dictionary<string, AttributeValue>(StringComparer.Ordinal);
        foreach (var property in map.EnumerateObject())
            result[property.Name] = ParseAttributeValue(property.Value);
        return result;
    }

    static StreamEventName ParseEventName(string name) => name switch
    {
        "INSERT" => StreamEventName.Insert,
        "MODIFY" => StreamEventName.Modify,
        "REMOVE" => StreamEventName.Remove,
        _ => throw new FormatException($"Unknown eventName '{name}'."),
    };

    static DateTimeOffset? ParseCreationTime(JsonElement dynamodb)
    {
        if (!dynamodb.TryGetProperty("ApproximateCreationDateTime", out var value) || value.ValueKind != JsonValueKind.Number)
            return null;
        var number = value.GetDouble();
        var milliseconds = number >= MillisecondsThreshold ? number : number * 1000d;
        return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(milliseconds));
    }

    static string RequiredString(JsonElement element, string name) =>
        OptionalString(element, name) ?? throw new FormatException($"A stream record has no \"{name}\" string.");

    static string? OptionalString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
