using System.Text.Json;

namespace EventBot.DynamoDbStreams;

/// <summary>Reads a DynamoDB Streams Lambda event, <c>{"Records":[...]}</c>.</summary>
public static class LambdaEventParser
{
    public static async Task<IReadOnlyList<StreamRecord>> ParseAsync(Stream input, CancellationToken ct = default)
    {
        // JsonDocument skips a leading UTF-8 BOM itself; the published samples start with one.
        using var document = await JsonDocument.ParseAsync(input, default, ct);
        return Parse(document.RootElement);
    }

    public static IReadOnlyList<StreamRecord> Parse(Stream input)
    {
        using var document = JsonDocument.Parse(input);
        return Parse(document.RootElement);
    }

    public static IReadOnlyList<StreamRecord> Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("Records", out var records) ||
            records.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("A DynamoDB Streams Lambda event must be an object with a \"Records\" array.");
        }
        return records.EnumerateArray().Select(StreamRecordParser.Parse).ToList();
    }
}
