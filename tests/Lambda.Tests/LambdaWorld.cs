using Amazon.DynamoDBv2.Model;
using EventBot.Domain.Common;
using EventBot.Domain.Remember;
using EventBot.Domain.Sparkle;
using EventBot.EventStore;
using EventBot.EventStore.DynamoDb;
using EventBot.Projections;
using EventBot.Projections.Core;
using EventBot.Projections.DynamoDb;
using EventBot.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EventBot.Lambda.Tests;

/// <summary>EventBot tables under a prefix of their own on DynamoDB Local, with events appended by the real store.</summary>
public sealed class LambdaWorld
{
    public const string Guild = "42";

    private readonly DynamoDbLocalFixture _dynamo;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
    private int _source;

    private LambdaWorld(DynamoDbLocalFixture dynamo, string prefix)
    {
        _dynamo = dynamo;
        Prefix = prefix;
        Store = new DynamoDbEventStore(dynamo.Client, new DynamoDbStoreOptions { TablePrefix = prefix }, _time);
    }

    public string Prefix { get; }

    public DynamoDbEventStore Store { get; }

    public string EventsTable => EventBotTables.EventsTableName(Prefix);

    public static async Task<LambdaWorld> CreateAsync(DynamoDbLocalFixture dynamo)
    {
        var world = new LambdaWorld(dynamo, $"l{Guid.NewGuid():N}-");
        var report = await EventBotTableAdmin.CreateAsync(dynamo.Client, world.Prefix, CancellationToken.None);
        Assert.True(report.IsOk, report.ToString());
        return world;
    }

    public ProjectorFunction Function(out ProjectorComposition composition)
    {
        composition = ProjectorComposition.Create(_dynamo.Client, Prefix, NullLoggerFactory.Instance, _time);
        return new ProjectorFunction(composition);
    }

    /// <summary>The function on a client of the caller's (e.g. one behind the fault injector), retrying on the system clock.</summary>
    public ProjectorFunction Function(Amazon.DynamoDBv2.IAmazonDynamoDB client, EventBot.EventStore.Faults.TransientRetry retry, out ProjectorComposition composition)
    {
        composition = ProjectorComposition.Create(client, Prefix, NullLoggerFactory.Instance, _time, retry);
        return new ProjectorFunction(composition);
    }

    public static string RememberStreamId(string key) => StreamIds.For(RememberStream.Category, new GuildId(42), key);

    public static string SparkleStreamId(ulong target) => SparkleStream.For(new GuildId(42), new UserId(target));

    public Task RememberAsync(string key, string value, long expectedVersion, string? previous = null) =>
        AppendAsync(RememberStreamId(key), expectedVersion, new RememberEvent.ValueRemembered(key, value, previous));

    public Task ForgetAsync(string key, string previous, long expectedVersion) =>
        AppendAsync(RememberStreamId(key), expectedVersion, new RememberEvent.ValueForgotten(key, previous));

    public Task SparkleAsync(ulong giver, ulong target, string? reason, long expectedVersion) =>
        AppendAsync(SparkleStreamId(target), expectedVersion,
            new SparkleEvent.SparkleGiven(giver, $"user{giver}", target, $"user{target}", reason, _time.GetUtcNow()));

    /// <summary>A small history over five streams: values set, changed and forgotten; sparkles to two users from three givers.</summary>
    public async Task AppendHistoryAsync()
    {
        await RememberAsync("wifi", "hunter2", 0);
        await SparkleAsync(1, 2, "for the wifi", 0);
        await RememberAsync("meeting", "tomorrow", 0);
        await RememberAsync("wifi", "correct horse", 1, "hunter2");
        await SparkleAsync(3, 2, "for the meeting", 1);
        await RememberAsync("lunch", "pizza", 0);
        await SparkleAsync(2, 1, "thanks", 0);
        await ForgetAsync("meeting", "tomorrow", 1);
        await RememberAsync("meeting", "friday", 2);
        await SparkleAsync(4, 2, null, 2);
    }

    private async Task AppendAsync(string stream, long expectedVersion, object @event)
    {
        _time.Advance(TimeSpan.FromSeconds(7));
        var source = $"msg-{Interlocked.Increment(ref _source)}";
        var result = await Store.AppendAsync(new StreamName(stream), expectedVersion, [EventCodec.Default.Encode(@event)],
            new AppendContext(Guild, "7", "alice", source), CancellationToken.None);
        Assert.IsType<AppendResult.Appended>(result);
    }

    /// <summary>The same events projected by <see cref="ProjectorCore"/> straight from the store, in stream order, into another prefix's views.</summary>
    public async Task<string> ProjectReferenceAsync()
    {
        var referencePrefix = $"r{Guid.NewGuid():N}-";
        await EventBotTableAdmin.CreateAsync(_dynamo.Client, referencePrefix, CancellationToken.None);
        var views = new DynamoDbViewStore(_dynamo.Client, new DynamoDbStoreOptions { TablePrefix = referencePrefix });
        var core = new ProjectorCore(ProjectionCatalog.All(), views, Store, EventCodec.Default, new Generations(views), new ProjectionSignals(),
            NullLogger<ProjectorCore>.Instance);
        var events = new List<EventEnvelope>();
        await foreach (var e in Store.ReadAllAsync(CancellationToken.None)) events.Add(e);
        var result = await core.ProjectAsync([.. events.OrderBy(e => e.StreamId, StringComparer.Ordinal).ThenBy(e => e.Version)], CancellationToken.None);
        Assert.Null(result.FirstFailedIndex);
        Assert.Equal(10, events.Count);
        return referencePrefix;
    }

    /// <summary>Every row of a prefix's views table as comparable text: key, body and per-stream applied versions.</summary>
    public async Task<IReadOnlyList<string>> ViewsAsync(string? prefix = null)
    {
        var rows = new List<string>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await _dynamo.Client.ScanAsync(new ScanRequest
            {
                TableName = EventBotTables.ViewsTableName(prefix ?? Prefix),
                ConsistentRead = true,
                ExclusiveStartKey = start,
            });
            rows.AddRange(page.Items.Select(Row));
            start = page.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (start is not null);
        return [.. rows.Order(StringComparer.Ordinal)];
    }

    /// <summary>Whether a view row exists for the logical key of the active generation (1).</summary>
    public async Task<bool> RowExistsAsync(string projection, ViewKey logical)
    {
        var views = new DynamoDbViewStore(_dynamo.Client, new DynamoDbStoreOptions { TablePrefix = Prefix });
        return await views.GetAsync(new ViewKey(Generations.PhysicalPartition(projection, 1, logical.Partition), logical.Sort), CancellationToken.None) is not null;
    }

    private static string Row(Dictionary<string, AttributeValue> item)
    {
        var applied = item.TryGetValue("applied", out var map) && map.M is { } m
            ? string.Join(",", m.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value.N}"))
            : "";
        var body = item.TryGetValue("body", out var b) ? b.S : item.TryGetValue("value", out var v) ? v.S : "";
        return $"{item[EventBotTables.Pk].S} | {item[EventBotTables.Sk].S} | {body} | {applied}";
    }
}
