using EventBot.Domain.Common;
using EventBot.Domain.Remember;
using EventBot.DynamoDbStreams;
using EventBot.EventStore;
using EventBot.Projections.Core;
using EventBot.Projections.Feeds.Streams;
using EventBot.Projections.Remember;
using EventBot.Projections.Tests.Core;
using Microsoft.Extensions.Logging.Abstractions;
using static EventBot.Domain.Remember.RememberEvent;

namespace EventBot.Projections.Tests.Feeds.Streams;

/// <summary>A stream batch's servers applied side by side (issue 19: the projector lagged behind one row write at a time).</summary>
public sealed class StreamsProjectionHandlerTests : IDisposable
{
    static readonly GuildId GuildA = new(1);
    static readonly GuildId GuildB = new(2);

    // Generous: only reached when the servers are NOT applied side by side (then the test fails, it does not hang).
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    readonly ProjectorHarness _h = new();
    long _sequence = 100;

    [Fact]
    public async Task TwoServersInOneBatch_AreAppliedSideBySide_EachInItsOwnOrder()
    {
        var a = await AppendAsync(GuildA, "k", new ValueRemembered("k", "a1", null), new ValueRemembered("k", "a2", "a1"));
        var b = await AppendAsync(GuildB, "k", new ValueRemembered("k", "b1", null), new ValueRemembered("k", "b2", "b1"));
        // Server A's first row write waits until server B has written one: in order, one record after the other, it never would.
        var views = new MeetingViews(_h.Views, GuildA.ToString(), GuildB.ToString(), Patience);
        var handler = Handler(views);

        var outcome = await handler.HandleAsync(Records(a[0], b[0], a[1], b[1]), default);

        Assert.Null(outcome.FirstFailedIndex);
        Assert.True(views.Met, "server A's write waited for server B's and B never came: the servers were applied one after the other");
        Assert.Equal(("a2", 2L), await ValueAsync(GuildA, "k"));
        Assert.Equal(("b2", 2L), await ValueAsync(GuildB, "k"));
    }

    [Fact]
    public async Task AFailureInOneServer_FailsTheBatchAtItsEarliestFailedRecord_AndRedeliveryAppliesEverythingOnce()
    {
        var a = await AppendAsync(GuildA, "k", new ValueRemembered("k", "a1", null), new ValueRemembered("k", "a2", "a1"));
        var b = await AppendAsync(GuildB, "k", new ValueRemembered("k", "b1", null), new ValueRemembered("k", "b2", "b1"));
        var core = Core(_h.Views);
        var failures = 0;
        // A's second event fails once (index 2 of the batch); B's events, before and after it, apply meanwhile.
        core.FaultInjector = e => e.StreamId == a[1].StreamId && e.Version == 2 && failures++ == 0 ? new InvalidOperationException("boom") : null;
        var handler = new StreamsProjectionHandler(core, new StreamFeedCounters(), NullLogger<StreamsProjectionHandler>.Instance);
        var batch = Records(a[0], b[0], a[1], b[1]);

        var first = await handler.HandleAsync(batch, default);
        Assert.Equal(2, first.FirstFailedIndex);
        Assert.Equal(("b2", 2L), await ValueAsync(GuildB, "k")); // already applied: it comes again as a duplicate
        var again = await handler.HandleAsync([.. batch.Skip(2)], default); // the poller re-reads from its checkpoint

        Assert.Null(again.FirstFailedIndex);
        Assert.Equal(("a2", 2L), await ValueAsync(GuildA, "k"));
        Assert.Equal(("b2", 2L), await ValueAsync(GuildB, "k"));
    }

    [Fact]
    public async Task WhenTwoServersFail_TheBatchFailsAtTheEarlierRecord_WhicheverServerFinishesFirst()
    {
        var a = await AppendAsync(GuildA, "k", new ValueRemembered("k", "a1", null), new ValueRemembered("k", "a2", "a1"));
        var b = await AppendAsync(GuildB, "k", new ValueRemembered("k", "b1", null));
        var core = Core(_h.Views);
        core.FaultInjector = e => (e.StreamId == a[1].StreamId && e.Version == 2) || e.StreamId == b[0].StreamId ? new InvalidOperationException("boom") : null;
        var counters = new StreamFeedCounters();
        var handler = new StreamsProjectionHandler(core, counters, NullLogger<StreamsProjectionHandler>.Instance);

        var outcome = await handler.HandleAsync(Records(a[0], a[1], b[0]), default);

        Assert.Equal(1, outcome.FirstFailedIndex);
        Assert.Equal(1, counters.Applied);
        Assert.Equal(("a1", 1L), await ValueAsync(GuildA, "k"));
    }

    [Fact]
    public async Task OneAtATime_AppliesTheBatchInOrder()
    {
        var a = await AppendAsync(GuildA, "k", new ValueRemembered("k", "a1", null));
        var b = await AppendAsync(GuildB, "k", new ValueRemembered("k", "b1", null));
        var views = new MeetingViews(_h.Views, GuildA.ToString(), GuildB.ToString(), TimeSpan.Zero);
        var handler = Handler(views, maxGuildsInParallel: 1);

        var outcome = await handler.HandleAsync(Records(a[0], b[0]), default);

        Assert.Null(outcome.FirstFailedIndex);
        Assert.False(views.Met);
        Assert.Equal(("a1", 1L), await ValueAsync(GuildA, "k"));
        Assert.Equal(("b1", 1L), await ValueAsync(GuildB, "k"));
    }

    StreamsProjectionHandler Handler(IViewStore views, int maxGuildsInParallel = 8) =>
        new(Core(views), new StreamFeedCounters(), NullLogger<StreamsProjectionHandler>.Instance) { MaxGuildsInParallel = maxGuildsInParallel };

    ProjectorCore Core(IViewStore views) =>
        new([new RememberedValues()], views, _h.Store, EventCodec.Default, _h.Generations, _h.Signals, NullLogger<ProjectorCore>.Instance);

    async Task<IReadOnlyList<EventEnvelope>> AppendAsync(GuildId guild, string key, params RememberEvent[] events)
    {
        var result = await _h.Store.AppendAsync(new StreamName(RememberStream.For(guild, MemoryKey.Parse(key))), 0, [.. events.Select(EventCodec.Default.Encode)],
            new AppendContext(guild.ToString(), "42", "alice", $"test:{guild}:{key}"), default);
        return ((AppendResult.Appended)result).Events;
    }

    async Task<(string? Value, long Version)> ValueAsync(GuildId guild, string key)
    {
        var value = RememberedValues.Read(await _h.Views.GetAsync(new ViewKey(
            Generations.PhysicalPartition(RememberedValues.ProjectionName, 1, guild.ToString()), MemoryKey.Parse(key).Normalized), default));
        return (value?.Value, value?.Version ?? 0);
    }

    IReadOnlyList<StreamRecord> Records(params EventEnvelope[] events) => [.. events.Select(e =>
    {
        var sequence = (++_sequence).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new StreamRecord
        {
            EventId = sequence,
            EventName = StreamEventName.Insert,
            SequenceNumber = sequence,
            SequenceOrder = _sequence,
            Keys = new() { ["stream_id"] = new() { S = e.StreamId }, ["version"] = new() { N = e.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) } },
            NewImage = EventBot.EventStore.DynamoDb.EventItem.ToItem(e),
        };
    })];

    public void Dispose() => _h.Dispose();

    /// <summary>
    /// A view store where the first row write of server <paramref name="first"/> waits (up to <paramref name="patience"/>)
    /// until server <paramref name="second"/> has written a row.
    /// </summary>
    sealed class MeetingViews(IViewStore inner, string first, string second, TimeSpan patience) : IViewStore
    {
        readonly TaskCompletionSource _secondWrote = new(TaskCreationOptions.RunContinuationsAsynchronously);
        int _firstWaited;

        public bool Met { get; private set; }

        public async Task<bool> TryWriteAsync(ViewRow row, long expectedRevision, CancellationToken ct)
        {
            if (row.Key.Partition.EndsWith(first, StringComparison.Ordinal) && Interlocked.Exchange(ref _firstWaited, 1) == 0)
            {
                try
                {
                    await _secondWrote.Task.WaitAsync(patience, ct);
                    Met = true;
                }
                catch (TimeoutException)
                {
                }
            }
            var written = await inner.TryWriteAsync(row, expectedRevision, ct);
            if (row.Key.Partition.EndsWith(second, StringComparison.Ordinal)) _secondWrote.TrySetResult();
            return written;
        }

        public Task<ViewRow?> GetAsync(ViewKey key, CancellationToken ct) => inner.GetAsync(key, ct);

        public Task<IReadOnlyList<ViewRow>> QueryAsync(string partition, CancellationToken ct) => inner.QueryAsync(partition, ct);

        public Task<IReadOnlyList<long>> DeletePartitionsAsync(IReadOnlyList<string> partitionPrefixes, CancellationToken ct) => inner.DeletePartitionsAsync(partitionPrefixes, ct);

        public Task DeleteAsync(ViewKey key, CancellationToken ct) => inner.DeleteAsync(key, ct);

        public Task<IReadOnlyList<string>> ListPartitionsAsync(string partitionPrefix, CancellationToken ct) => inner.ListPartitionsAsync(partitionPrefix, ct);

        public Task<string?> GetValueAsync(string name, CancellationToken ct) => inner.GetValueAsync(name, ct);

        public Task SetValueAsync(string name, string value, CancellationToken ct) => inner.SetValueAsync(name, value, ct);
    }
}
