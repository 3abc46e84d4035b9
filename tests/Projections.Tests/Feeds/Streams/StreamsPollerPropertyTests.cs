using System.Net;
using CsCheck;
using EventBot.Projections.Feeds;
using EventBot.Projections.Feeds.Streams;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EventBot.Projections.Tests.Feeds.Streams;

public sealed class StreamsPollerPropertyTests
{
    /// <summary>One generated run: writes spread over a split shard tree, handler failures, faults and restarts.</summary>
    sealed record Scenario(
        int[] Writes,        // item written by each put, in write order
        int FirstSplit,      // puts before this go to the root shard
        int SecondSplit,     // puts of left-routed items from here on go to the left child's child
        int[] FailAt,        // put indices at which the handler fails once
        int[] RestartAfter,  // rounds after which the process "restarts" (new poller, same checkpoints)
        int[] ExpireAt,      // rounds before which the next GetRecords says the iterator expired
        int BatchLimit,
        int MaxPages);

    static readonly Gen<Scenario> Scenarios =
        from writes in Gen.Int[0, 4].Array[1, 30]
        from split1 in Gen.Int[0, 30]
        from split2 in Gen.Int[0, 30]
        from failAt in Gen.Int[0, 29].Array[0, 5]
        from restarts in Gen.Int[0, 12].Array[0, 3]
        from expire in Gen.Int[0, 12].Array[0, 3]
        from batch in Gen.Int[1, 5]
        from pages in Gen.Int[1, 3]
        select new Scenario(writes, split1, Math.Max(split1, split2), failAt, restarts, expire, batch, pages);

    [Fact]
    public void EveryRecordIsAppliedExactlyOnce_InPerItemOrder_WhateverTheFailures()
    {
        Scenarios.Sample(scenario => Run(scenario).GetAwaiter().GetResult(), iter: 150, seed: "0N0XIzNsQ0O4");
    }

    static async Task Run(Scenario scenario)
    {
        var server = new FakeStreamsServer();
        server.AddShard("shardId-root");
        server.AddShard("shardId-left", "shardId-root");
        server.AddShard("shardId-right", "shardId-root");
        server.AddShard("shardId-left-2", "shardId-left");
        var versions = new Dictionary<int, int>();
        var sequences = new List<string>();
        for (var i = 0; i < scenario.Writes.Length; i++)
        {
            var item = scenario.Writes[i];
            var version = versions[item] = versions.GetValueOrDefault(item) + 1;
            var shard = i < scenario.FirstSplit ? "shardId-root"
                : item % 2 == 1 ? "shardId-right"
                : i < scenario.SecondSplit ? "shardId-left" : "shardId-left-2";
            sequences.Add(server.Put(shard, $"item{item}", version));
        }
        server.Close("shardId-root");
        server.Close("shardId-left");

        var handler = new RecordingHandler();
        handler.FailOnceAtEach(scenario.FailAt.Where(i => i < sequences.Count).Select(i => sequences[i]));
        var checkpoints = new InMemoryShardCheckpointStore();
        var time = new FakeTimeProvider();
        var poller = NewPoller(server, handler, checkpoints, time, scenario);
        try
        {
            for (var round = 0; round < 200 && handler.Applied.Count < sequences.Count; round++)
            {
                if (scenario.ExpireAt.Contains(round))
                    server.FailNext("GetRecords", HttpStatusCode.BadRequest, "ExpiredIteratorException");
                await poller.PollOnceAsync(CancellationToken.None);
                if (scenario.RestartAfter.Contains(round))
                {
                    poller.Dispose();
                    poller = NewPoller(server, handler, checkpoints, time, scenario);
                }
            }
        }
        finally
        {
            poller.Dispose();
        }

        var applied = handler.Applied.Select(r => r.SequenceNumber).ToList();
        Assert.Equal(sequences.Order(StringComparer.Ordinal), applied.Order(StringComparer.Ordinal)); // all, once each
        foreach (var item in handler.Applied.GroupBy(r => EventsTable.Key(r).Pk))
        {
            var order = item.Select(r => EventsTable.Key(r).Version).ToList();
            Assert.Equal(Enumerable.Range(1, order.Count), order);
        }
    }

    static StreamsPoller NewPoller(FakeStreamsServer server, IStreamBatchHandler handler, IShardCheckpointStore checkpoints, TimeProvider time, Scenario scenario) =>
        new(server.Client(), handler, checkpoints,
            Options.Create(new StreamsPollerOptions
            {
                StreamArn = FakeStreamsServer.StreamArn,
                BatchLimit = scenario.BatchLimit,
                MaxPagesPerShardPerRound = scenario.MaxPages,
                InitialBackoff = TimeSpan.Zero,
            }),
            time, NullLogger<StreamsPoller>.Instance);
}
