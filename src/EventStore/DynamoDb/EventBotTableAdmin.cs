using System.Diagnostics;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventBot.EventStore.Faults;

namespace EventBot.EventStore.DynamoDb;

/// <summary>
/// Creates and verifies the tables of <see cref="EventBotTables"/>: what <c>tables create</c> / <c>tables verify</c>
/// run, and what tests use to prove that the LocalStack script builds the same tables.
/// </summary>
public static class EventBotTableAdmin
{
    static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>On-demand tables with one index are usually ACTIVE within seconds; past this something is wrong.</summary>
    static readonly TimeSpan ActiveTimeout = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Creates every missing table and waits until all are ACTIVE (indexes included). Idempotent: a table that
    /// already exists (including one created concurrently, <see cref="ResourceInUseException"/>) is left as it is
    /// and reported with its drift, if any; nothing is ever altered or deleted.
    /// </summary>
    /// <param name="retry">Retries transient failures of each call (default <see cref="TransientRetry.Default"/>).</param>
    public static async Task<TableReport> CreateAsync(IAmazonDynamoDB client, string prefix, CancellationToken ct, TransientRetry? retry = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        retry ??= TransientRetry.Default;
        var checks = new List<TableCheck>();
        foreach (var definition in EventBotTables.All(prefix))
        {
            var created = false;
            try
            {
                await retry.RunAsync("CreateTable", token => client.CreateTableAsync(definition, token), ct);
                created = true;
            }
            catch (ResourceInUseException)
            {
                // Exists (or is being created by someone else): wait for it like our own.
            }
            var description = await WaitUntilActiveAsync(client, definition.TableName, retry, ct);
            checks.Add(Check(definition, description) with { Created = created });
        }
        return new TableReport(checks);
    }

    /// <summary>Describes every table and reports it missing, drifted (with every difference) or ok. Changes nothing.</summary>
    public static async Task<TableReport> VerifyAsync(IAmazonDynamoDB client, string prefix, CancellationToken ct, TransientRetry? retry = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        retry ??= TransientRetry.Default;
        var checks = new List<TableCheck>();
        foreach (var definition in EventBotTables.All(prefix))
        {
            var description = await DescribeAsync(client, definition.TableName, retry, ct);
            checks.Add(description is null
                ? new TableCheck(definition.TableName, TableState.Missing, [])
                : Check(definition, description));
        }
        return new TableReport(checks);
    }

    static TableCheck Check(CreateTableRequest definition, TableDescription description)
    {
        var drift = TableDrift.Compare(definition, description);
        return new TableCheck(definition.TableName, drift.Count == 0 ? TableState.Ok : TableState.Drifted, drift);
    }

    static async Task<TableDescription?> DescribeAsync(IAmazonDynamoDB client, string tableName, TransientRetry retry, CancellationToken ct)
    {
        try
        {
            return (await retry.RunAsync("DescribeTable", token => client.DescribeTableAsync(new DescribeTableRequest { TableName = tableName }, token), ct)).Table;
        }
        catch (ResourceNotFoundException)
        {
            return null;
        }
    }

    static async Task<TableDescription> WaitUntilActiveAsync(IAmazonDynamoDB client, string tableName, TransientRetry retry, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            // Right after CreateTable a describe may briefly not find the table yet; keep waiting.
            var description = await DescribeAsync(client, tableName, retry, ct);
            if (description is not null
                && description.TableStatus == TableStatus.ACTIVE
                && (description.GlobalSecondaryIndexes ?? []).All(i => i.IndexStatus == IndexStatus.ACTIVE))
            {
                return description;
            }
            if (waited.Elapsed > ActiveTimeout)
            {
                throw new TimeoutException(
                    $"Table {tableName} is not ACTIVE after {ActiveTimeout.TotalMinutes:0} minutes (status: {description?.TableStatus?.Value ?? "not found"}).");
            }
            await Task.Delay(PollInterval, ct);
        }
    }
}
