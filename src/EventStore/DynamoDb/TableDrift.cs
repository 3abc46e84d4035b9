using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace EventBot.EventStore.DynamoDb;

/// <summary>
/// Compares a table as defined in code (<see cref="EventBotTables"/>) with the table DynamoDB describes, and says
/// every difference in words an operator can act on. Empty means the table matches.
/// </summary>
/// <remarks>
/// AWSSDK v4 leaves absent collections and flags null rather than empty/false, so every read here is null-tolerant.
/// Names of the table itself are not compared: the caller chose the table by name.
/// </remarks>
public static class TableDrift
{
    public static IReadOnlyList<string> Compare(CreateTableRequest expected, TableDescription actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        var drift = new List<string>();

        var expectedKeys = Keys(expected.KeySchema);
        var actualKeys = Keys(actual.KeySchema);
        if (expectedKeys != actualKeys)
        {
            drift.Add($"key schema: expected {expectedKeys}, found {actualKeys}");
        }

        CompareAttributes(expected.AttributeDefinitions, actual.AttributeDefinitions, drift);
        CompareGlobalIndexes(expected.GlobalSecondaryIndexes, actual.GlobalSecondaryIndexes, drift);
        CompareLocalIndexes(expected.LocalSecondaryIndexes, actual.LocalSecondaryIndexes, drift);
        CompareStream(expected.StreamSpecification, actual.StreamSpecification, drift);
        CompareBilling(expected, actual, drift);
        return drift;
    }

    static void CompareAttributes(List<AttributeDefinition>? expected, List<AttributeDefinition>? actual, List<string> drift)
    {
        var want = (expected ?? []).ToDictionary(a => a.AttributeName, a => a.AttributeType?.Value, StringComparer.Ordinal);
        var have = (actual ?? []).ToDictionary(a => a.AttributeName, a => a.AttributeType?.Value, StringComparer.Ordinal);
        foreach (var (name, type) in want.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!have.TryGetValue(name, out var found))
            {
                drift.Add($"attribute {name}: expected type {type}, missing");
            }
            else if (!string.Equals(type, found, StringComparison.Ordinal))
            {
                drift.Add($"attribute {name}: expected type {type}, found {found}");
            }
        }
        foreach (var (name, type) in have.Where(p => !want.ContainsKey(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            drift.Add($"attribute {name}: not expected, found type {type}");
        }
    }

    static void CompareGlobalIndexes(List<GlobalSecondaryIndex>? expected, List<GlobalSecondaryIndexDescription>? actual, List<string> drift)
    {
        var have = (actual ?? []).ToDictionary(i => i.IndexName, StringComparer.Ordinal);
        foreach (var index in (expected ?? []).OrderBy(i => i.IndexName, StringComparer.Ordinal))
        {
            if (!have.Remove(index.IndexName, out var found))
            {
                drift.Add($"global secondary index {index.IndexName}: missing (expected key {Keys(index.KeySchema)}, projection {Projection(index.Projection)})");
                continue;
            }
            var wantKeys = Keys(index.KeySchema);
            var haveKeys = Keys(found.KeySchema);
            if (wantKeys != haveKeys)
            {
                drift.Add($"global secondary index {index.IndexName}: key schema expected {wantKeys}, found {haveKeys}");
            }
            var wantProjection = Projection(index.Projection);
            var haveProjection = Projection(found.Projection);
            if (wantProjection != haveProjection)
            {
                drift.Add($"global secondary index {index.IndexName}: projection expected {wantProjection}, found {haveProjection}");
            }
        }
        foreach (var name in have.Keys.Order(StringComparer.Ordinal))
        {
            drift.Add($"global secondary index {name}: not expected, found key {Keys(have[name].KeySchema)}");
        }
    }

    static void CompareLocalIndexes(List<LocalSecondaryIndex>? expected, List<LocalSecondaryIndexDescription>? actual, List<string> drift)
    {
        // LSIs can only be set at creation, so a difference here always means re-creating the table.
        var want = (expected ?? []).Select(i => (i.IndexName, Key: Keys(i.KeySchema), Projection: Projection(i.Projection))).ToHashSet();
        var have = (actual ?? []).Select(i => (i.IndexName, Key: Keys(i.KeySchema), Projection: Projection(i.Projection))).ToHashSet();
        foreach (var index in want.Except(have).OrderBy(i => i.IndexName, StringComparer.Ordinal))
        {
            drift.Add($"local secondary index {index.IndexName}: expected key {index.Key}, projection {index.Projection}; not found as such");
        }
        foreach (var index in have.Except(want).OrderBy(i => i.IndexName, StringComparer.Ordinal))
        {
            drift.Add($"local secondary index {index.IndexName}: not expected (key {index.Key}, projection {index.Projection})");
        }
    }

    static void CompareStream(StreamSpecification? expected, StreamSpecification? actual, List<string> drift)
    {
        var wantEnabled = expected?.StreamEnabled == true;
        var haveEnabled = actual?.StreamEnabled == true;
        if (wantEnabled != haveEnabled)
        {
            drift.Add(wantEnabled
                ? $"stream: expected enabled with view type {expected!.StreamViewType?.Value}, found disabled"
                : $"stream: expected disabled, found enabled with view type {actual!.StreamViewType?.Value}");
        }
        else if (wantEnabled && !string.Equals(expected!.StreamViewType?.Value, actual!.StreamViewType?.Value, StringComparison.Ordinal))
        {
            drift.Add($"stream: expected view type {expected.StreamViewType?.Value}, found {actual.StreamViewType?.Value}");
        }
    }

    static void CompareBilling(CreateTableRequest expected, TableDescription actual, List<string> drift)
    {
        // CreateTable's own default is PROVISIONED.
        var want = expected.BillingMode?.Value ?? BillingMode.PROVISIONED.Value;
        var have = ActualBillingMode(actual);
        if (!string.Equals(want, have, StringComparison.Ordinal))
        {
            drift.Add($"billing mode: expected {want}, found {have}");
            return;
        }
        if (want == BillingMode.PROVISIONED.Value && expected.ProvisionedThroughput is { } throughput)
        {
            var read = actual.ProvisionedThroughput?.ReadCapacityUnits ?? 0;
            var write = actual.ProvisionedThroughput?.WriteCapacityUnits ?? 0;
            if (read != (throughput.ReadCapacityUnits ?? 0) || write != (throughput.WriteCapacityUnits ?? 0))
            {
                drift.Add($"provisioned throughput: expected {throughput.ReadCapacityUnits} read / {throughput.WriteCapacityUnits} write, found {read} / {write}");
            }
        }
    }

    /// <summary>
    /// The billing mode a description implies. DynamoDB itself always sends <c>BillingModeSummary</c> for on-demand
    /// tables, but DynamoDB Local (and LocalStack, which embeds it) leaves it out and reports provisioned throughput
    /// 0/0 for a PAY_PER_REQUEST table, while a real provisioned table always has at least 1/1. So a missing
    /// summary with 0/0 (or no throughput at all) reads as PAY_PER_REQUEST, and only a missing summary with real
    /// capacity reads as PROVISIONED; otherwise every on-demand table would report false drift locally.
    /// </summary>
    public static string ActualBillingMode(TableDescription actual)
    {
        ArgumentNullException.ThrowIfNull(actual);
        if (actual.BillingModeSummary?.BillingMode is { } mode)
        {
            return mode.Value;
        }
        var throughput = actual.ProvisionedThroughput;
        var onDemandShape = throughput is null
            || ((throughput.ReadCapacityUnits ?? 0) == 0 && (throughput.WriteCapacityUnits ?? 0) == 0);
        return onDemandShape ? BillingMode.PAY_PER_REQUEST.Value : BillingMode.PROVISIONED.Value;
    }

    /// <summary><c>stream_id HASH, version RANGE</c>, HASH first whatever order the list came in; <c>(none)</c> when empty.</summary>
    static string Keys(List<KeySchemaElement>? keys) => keys is null or { Count: 0 }
        ? "(none)"
        : string.Join(", ", keys.OrderBy(k => k.KeyType == KeyType.HASH ? 0 : 1).Select(k => $"{k.AttributeName} {k.KeyType?.Value}"));

    static string Projection(Projection? projection)
    {
        var type = projection?.ProjectionType?.Value ?? "(none)";
        var extra = projection?.NonKeyAttributes is { Count: > 0 } attributes
            ? $" [{string.Join(", ", attributes.Order(StringComparer.Ordinal))}]"
            : "";
        return type + extra;
    }
}
