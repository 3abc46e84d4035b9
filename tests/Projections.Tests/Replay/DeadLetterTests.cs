using EventBot.Domain.Remember;
using EventBot.EventStore;
using EventBot.Projections.Core;
using EventBot.Projections.DeadLetters;
using EventBot.Projections.Feeds;
using EventBot.Projections.Feeds.Streams;
using EventBot.Projections.Remember;
using EventBot.Projections.Replay;
using EventBot.Projections.Tests.Core;
using Microsoft.Extensions.Logging.Abstractions;
using static EventBot.Domain.Remember.RememberEvent;

namespace EventBot.Projections.Tests.Replay;

public sealed class DeadLetterTests : IDisposable
{
    private readonly ProjectorHarness _h = new();
    private readonly FlakyValues _flaky = new();

    private DeadLetterStore Letters => new(_h.Views, _h.Time);

    private ProjectorCore Core(DeadLetterAction action, int attempts = 3) =>
        new([_flaky], _h.Views, _h.Store, EventCodec.Default, _h.Generations, _h.Signals, NullLogger<ProjectorCore>.Instance)
        {
            DeadLetters = Letters,
            DeadLetterPolicy = new DeadLetterPolicy(action, new Dictionary<string, DeadLetterAction> { [_flaky.Name] = action }, attempts),
        };

    private async Task<EventEnvelope> AppendRawAsync(string key, EventData data)
    {
        var stream = new StreamName(RememberStream.For(ProjectorHarness.Guild, MemoryKey.Parse(key)));
        var current = (await _h.Store.ReadStreamAsync(stream, 1, default)).Count;
        var result = await _h.Store.AppendAsync(stream, current, [data], new AppendContext(ProjectorHarness.Guild.ToString(), "42", "mallory", $"raw:{Guid.NewGuid()}"), default);
        return ((AppendResult.Appended)result).Events[0];
    }

    [Fact]
    public async Task An_unknown_type_is_retried_then_dead_lettered_and_skipped_and_the_stream_goes_on()
    {
        var first = await _h.AppendAsync("k", new ValueRemembered("k", "one", null));
        var unknown = await AppendRawAsync("k", new EventData("ValueTeleported", 1, "{\"key\":\"k\"}"));
        var third = await _h.AppendAsync("k", new ValueRemembered("k", "three", "one"));
        var core = Core(DeadLetterAction.Skip, attempts: 2);
        IReadOnlyList<EventEnvelope> batch = [.. first, unknown, .. third];

        var firstTry = await core.ProjectAsync(batch, default);
        Assert.Equal(1, firstTry.FirstFailedIndex); // attempt 1 of 2: the feed will deliver it again
        Assert.Equal(DeadLetterStatus.Failing, (await Letters.GetAsync(unknown.StreamId, unknown.Version, default))!.Status);

        var secondTry = await core.ProjectAsync(batch, default);

        Assert.Null(secondTry.FirstFailedIndex);
        var letter = Assert.Single(await Letters.ListAsync(default));
        Assert.Equal((unknown.StreamId, 2L, "ValueTeleported", 2, DeadLetterStatus.Skipped), (letter.StreamId, letter.Version, letter.Type, letter.Attempts, letter.Status));
        Assert.Contains("Unknown event type 'ValueTeleported'", letter.Error, StringComparison.Ordinal);
        Assert.Equal("three", (await _h.ValueAsync("k"))!.Value);
    }

    [Fact]
    public async Task A_gap_fill_steps_over_a_skipped_dead_letter_instead_of_failing_on_it_again()
    {
        var first = await _h.AppendAsync("k", new ValueRemembered("k", "one", null));
        var bad = await AppendRawAsync("k", new EventData("ValueRemembered", 1, "{\"key\":\"k\",\"value\":"));
        var third = await _h.AppendAsync("k", new ValueRemembered("k", "three", "one"));
        var core = Core(DeadLetterAction.Skip, attempts: 1);
        Assert.Null((await core.ProjectAsync([.. first, bad], default)).FirstFailedIndex); // dead-lettered at once

        // v3 finds the row at v1: a gap, whose fill reads the bad v2 from the store.
        var result = await core.ProjectAsync(third, default);

        Assert.Null(result.FirstFailedIndex);
        Assert.Equal(("three", 3L), ((await _h.ValueAsync("k"))!.Value, (await _h.ValueAsync("k"))!.Version));
    }

    [Fact]
    public async Task A_throwing_projection_with_the_stop_policy_stalls_until_fixed_and_then_clears_its_dead_letter()
    {
        var events = await _h.AppendAsync("k", new ValueRemembered("k", "boom", null));
        var core = Core(DeadLetterAction.Stop, attempts: 2);
        _flaky.Broken = true;

        for (var i = 0; i < 3; i++) Assert.Equal(0, (await core.ProjectAsync(events, default)).FirstFailedIndex);
        var letter = Assert.Single(await Letters.ListAsync(default));
        Assert.Equal((DeadLetterStatus.Stopped, 3, _flaky.Name), (letter.Status, letter.Attempts, letter.Projection));

        _flaky.Broken = false;
        Assert.Null((await core.ProjectAsync(events, default)).FirstFailedIndex);

        Assert.Empty(await Letters.ListAsync(default));
        Assert.Equal("boom", (await _h.ValueAsync("k"))!.Value);
    }

    [Theory]
    [InlineData(DeadLetterAction.Skip)]
    [InlineData(DeadLetterAction.Stop)]
    public async Task A_dead_letter_that_cannot_be_removed_never_fails_the_record_that_applied(DeadLetterAction action)
    {
        // As on AWS with a role that may not delete: the record applies, removing its dead letter is denied.
        var events = await _h.AppendAsync("k", new ValueRemembered("k", "boom", null));
        var letters = new DeadLetterStore(new DeletesDenied(_h.Views), _h.Time);
        var core = new ProjectorCore([_flaky], _h.Views, _h.Store, EventCodec.Default, _h.Generations, _h.Signals, NullLogger<ProjectorCore>.Instance)
        {
            DeadLetters = letters,
            DeadLetterPolicy = new DeadLetterPolicy(action, new Dictionary<string, DeadLetterAction>(), 5),
        };
        _flaky.Broken = true;
        Assert.Equal(0, (await core.ProjectAsync(events, default)).FirstFailedIndex);
        _flaky.Broken = false;

        var applied = await core.ProjectAsync(events, default);
        var redelivered = await core.ProjectAsync(events, default);

        Assert.Null(applied.FirstFailedIndex);
        Assert.Null(redelivered.FirstFailedIndex);
        Assert.Equal("boom", (await _h.ValueAsync("k"))!.Value);
        // Stale, not counted again: one failed attempt, from before the record applied.
        Assert.Equal(1, Assert.Single(await Letters.ListAsync(default)).Attempts);
    }

    [Fact]
    public async Task Retry_after_the_cause_is_fixed_puts_a_skipped_event_back_in_order_and_removes_the_dead_letter()
    {
        var events = await _h.AppendAsync("k", new ValueRemembered("k", "one", null), new ValueRemembered("k", "boom", "one"), new ValueRemembered("k", "three", "boom"));
        await _h.AppendAsync("other", new ValueRemembered("other", "fine", null));
        var core = Core(DeadLetterAction.Skip, attempts: 1);
        _flaky.Broken = true;
        Assert.Null((await core.ProjectAsync(await _h.AllAsync(), default)).FirstFailedIndex);
        var letter = Assert.Single(await Letters.ListAsync(default));
        var retry = new DeadLetterRetry(_h.Store, EventCodec.Default, [_flaky], new RowRebuilder(_h.Store, _h.Views, EventCodec.Default, _h.Generations) { DeadLetters = Letters }, Letters);

        var stillBroken = await retry.RetryAsync(letter, default);
        Assert.False(stillBroken.Fixed);
        Assert.Equal(2, (await Letters.GetAsync(letter.Id, default))!.Attempts);

        _flaky.Broken = false;
        var outcome = await retry.RetryAsync(letter, default);

        Assert.True(outcome.Fixed);
        Assert.Empty(await Letters.ListAsync(default));
        Assert.Equal(("three", 3L), ((await _h.ValueAsync("k"))!.Value, (await _h.ValueAsync("k"))!.Version));
        Assert.Equal(events[2].Version, (await _h.DumpAsync()).Single(r => r.Sort == "k").Applied);
    }

    [Fact]
    public void The_policy_reads_a_default_a_per_projection_override_and_the_attempts()
    {
        var settings = new Dictionary<string, string?> { ["DeadLetters"] = "stop", ["DeadLettersSparkleTotals"] = "skip", ["DeadLetterAttempts"] = "7" };

        var policy = DeadLetterPolicy.From(n => settings.GetValueOrDefault(n), ["remember-values", "sparkle-totals"]);

        Assert.Equal((DeadLetterAction.Stop, DeadLetterAction.Skip, DeadLetterAction.Stop, 7),
            (policy.ActionFor("remember-values"), policy.ActionFor("sparkle-totals"), policy.ActionFor(null), policy.MaxAttempts));
        Assert.Throws<FormatException>(() => DeadLetterPolicy.From(n => n == "DeadLetters" ? "ignore" : null, []));
        Assert.Equal(DeadLetterAction.Skip, DeadLetterPolicy.From(_ => null, []).Default);
    }

    [Fact]
    public async Task A_transient_failure_never_counts_toward_a_dead_letter_however_often_it_comes()
    {
        var events = await _h.AppendAsync("k", new ValueRemembered("k", "one", null));
        var core = Core(DeadLetterAction.Skip, attempts: 2);
        var throttled = 0;
        core.FaultInjector = _ => ++throttled <= 10
            ? new Amazon.DynamoDBv2.AmazonDynamoDBException("throttled", Amazon.Runtime.ErrorType.Sender, "ThrottlingException", "r", System.Net.HttpStatusCode.BadRequest)
            : null;

        for (var delivery = 0; delivery < 10; delivery++)
            Assert.Equal(0, (await core.ProjectAsync(events, default)).FirstFailedIndex); // stopped there, to come again
        Assert.Empty(await Letters.ListAsync(default));

        Assert.Null((await core.ProjectAsync(events, default)).FirstFailedIndex);
        Assert.Equal("one", (await _h.ValueAsync("k"))!.Value);
        Assert.Empty(await Letters.ListAsync(default));
    }

    [Fact]
    public async Task A_malformed_event_looking_stream_record_becomes_a_dead_letter_by_sequence_number_and_the_batch_goes_on()
    {
        var before = await _h.AppendAsync("k", new ValueRemembered("k", "one", null));
        var after = await _h.AppendAsync("k", new ValueRemembered("k", "two", "one"));
        var core = Core(DeadLetterAction.Skip, attempts: 2);
        var handler = new StreamsProjectionHandler(core, new StreamFeedCounters(), NullLogger<StreamsProjectionHandler>.Instance);
        var image = EventBot.EventStore.DynamoDb.EventItem.ToItem(before[0]);
        image["version"] = new() { N = "not a number" }; // an event by its shape, unreadable by its content
        var malformed = Record("200", before[0]) with { NewImage = image };
        IReadOnlyList<StreamRecord> batch = [Record("100", before[0]), malformed, Record("300", after[0])];

        var first = await handler.HandleAsync(batch, default);
        Assert.Equal(1, first.FirstFailedIndex); // attempt 1 of 2: it comes again
        var second = await handler.HandleAsync([.. batch.Skip(1)], default);

        Assert.Null(second.FirstFailedIndex); // given up on: the shard is not wedged
        var letter = Assert.Single(await Letters.ListAsync(default));
        Assert.Equal((StreamsProjectionHandler.MalformedStreamId("200"), DeadLetterStatus.Skipped, 2), (letter.StreamId, letter.Status, letter.Attempts));
        Assert.Equal("two", (await _h.ValueAsync("k"))!.Value);
    }

    private static StreamRecord Record(string sequence, EventEnvelope e) => new()
    {
        EventId = sequence,
        EventName = StreamEventName.Insert,
        SequenceNumber = sequence,
        SequenceOrder = System.Numerics.BigInteger.Parse(sequence, System.Globalization.CultureInfo.InvariantCulture),
        Keys = new() { ["stream_id"] = new() { S = e.StreamId }, ["version"] = new() { N = e.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) } },
        NewImage = EventBot.EventStore.DynamoDb.EventItem.ToItem(e),
    };

    public void Dispose() => _h.Dispose();

    /// <summary>A view store whose deletes are refused, like a DeleteItem that IAM denies.</summary>
    private sealed class DeletesDenied(IViewStore inner) : IViewStore
    {
        public Task<ViewRow?> GetAsync(ViewKey key, CancellationToken ct) => inner.GetAsync(key, ct);

        public Task<IReadOnlyList<ViewRow>> QueryAsync(string partition, CancellationToken ct) => inner.QueryAsync(partition, ct);

        public Task<bool> TryWriteAsync(ViewRow row, long expectedRevision, CancellationToken ct) => inner.TryWriteAsync(row, expectedRevision, ct);

        public Task<IReadOnlyList<long>> DeletePartitionsAsync(IReadOnlyList<string> partitionPrefixes, CancellationToken ct) =>
            throw new UnauthorizedAccessException("AccessDeniedException: not authorized to perform dynamodb:BatchWriteItem");

        public Task DeleteAsync(ViewKey key, CancellationToken ct) =>
            throw new UnauthorizedAccessException("AccessDeniedException: not authorized to perform dynamodb:DeleteItem");

        public Task<IReadOnlyList<string>> ListPartitionsAsync(string partitionPrefix, CancellationToken ct) => inner.ListPartitionsAsync(partitionPrefix, ct);

        public Task<string?> GetValueAsync(string name, CancellationToken ct) => inner.GetValueAsync(name, ct);

        public Task SetValueAsync(string name, string value, CancellationToken ct) => inner.SetValueAsync(name, value, ct);
    }

    /// <summary>The remembered-values projection, made to throw on the value "boom" while <see cref="Broken"/>.</summary>
    private sealed class FlakyValues : IProjection
    {
        private readonly RememberedValues _inner = new();

        public bool Broken { get; set; }

        public string Name => _inner.Name;

        public bool Handles(string eventType) => _inner.Handles(eventType);

        public IEnumerable<ViewKey> RowsFor(EventEnvelope envelope, object @event) => _inner.RowsFor(envelope, @event);

        public string Apply(ViewKey row, string? body, EventEnvelope envelope, object @event) =>
            Broken && @event is ValueRemembered { Value: "boom" } ? throw new InvalidOperationException("cannot apply boom") : _inner.Apply(row, body, envelope, @event);
    }
}
