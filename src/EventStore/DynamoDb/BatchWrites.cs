using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventBot.EventStore.Faults;

namespace EventBot.EventStore.DynamoDb;

public static class BatchWrites
{
    /// <summary>
    /// Any number of writes to <paramref name="table"/>: BatchWriteItem requests of 25, 8 at a time, each sent until
    /// none of its items is left unprocessed (<see cref="BatchWriteAllAsync"/>).
    /// </summary>
    public static Task BatchWriteManyAsync(this IAmazonDynamoDB client, string table, IEnumerable<WriteRequest> writes, CancellationToken ct,
        TransientRetry? retry = null) =>
        Parallel.ForEachAsync(writes.Chunk(25), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (chunk, token) => await client.BatchWriteAllAsync(table, [.. chunk], retry ?? TransientRetry.Default, token));

    /// <summary>
    /// One BatchWriteItem of at most 25 writes to <paramref name="table"/>; unprocessed items (throttled) are sent again
    /// with exponential backoff, capped at 2 s, until none is left; a throttled or failed request is retried by <paramref name="retry"/>.
    /// </summary>
    private static async Task BatchWriteAllAsync(this IAmazonDynamoDB client, string table, List<WriteRequest> writes, TransientRetry retry, CancellationToken ct)
    {
        var pending = new Dictionary<string, List<WriteRequest>> { [table] = writes };
        for (var attempt = 0; pending.Values.Sum(v => v.Count) > 0; attempt++)
        {
            if (attempt > 0) await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 50 << Math.Min(attempt, 6))), ct);
            var request = new BatchWriteItemRequest { RequestItems = pending };
            pending = (await retry.RunAsync("BatchWriteItem", token => client.BatchWriteItemAsync(request, token), ct)).UnprocessedItems ?? [];
        }
    }
}
