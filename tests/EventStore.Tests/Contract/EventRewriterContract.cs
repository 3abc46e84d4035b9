using Microsoft.Extensions.Time.Testing;

namespace EventBot.EventStore.Tests.Contract;

/// <summary>
/// What every store promises of the sanctioned rewrite (<see cref="IEventRewriter"/>): only data, actor and (for a move)
/// the stream name change; conditional on the stored content, so a repeat or a stale rewrite writes nothing.
/// </summary>
public abstract class EventRewriterContract
{
    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));

    protected abstract Task<IEventStore> CreateStoreAsync();

    private static EventData Data(string text) => new("TestHappened", 1, $$"""{"text":"{{text}}"}""");

    private static AppendContext Context(string source) => new("1", "42", "alice", source) { CorrelationId = "c-" + source };

    private static EventRewrite Erase(EventEnvelope e, string? stream = null) =>
        new(e, e with { StreamId = stream ?? e.StreamId, Data = """{"text":"[erased]"}""", ActorId = "~kanon", ActorName = "[erased user]" });

    [Fact]
    public async Task A_rewrite_replaces_data_and_actor_and_keeps_everything_else()
    {
        var store = await CreateStoreAsync();
        await store.AppendAsync(new StreamName("sparkle/1/a"), 0, [Data("secret"), Data("other")], Context("m1"), default);
        var before = await store.ReadStreamAsync(new StreamName("sparkle/1/a"), 1, default);

        var rewritten = await ((IEventRewriter)store).RewriteAsync([Erase(before[0])], default);

        Assert.Equal(1, rewritten);
        var after = await store.ReadStreamAsync(new StreamName("sparkle/1/a"), 1, default);
        Assert.Equal(before[0] with { Data = """{"text":"[erased]"}""", ActorId = "~kanon", ActorName = "[erased user]" }, after[0]);
        Assert.Equal(before[1], after[1]);
        Assert.Equal("c-m1", after[0].CorrelationId);
    }

    [Fact]
    public async Task A_second_rewrite_changes_nothing_and_a_stale_one_never_clobbers()
    {
        var store = await CreateStoreAsync();
        await store.AppendAsync(new StreamName("sparkle/1/a"), 0, [Data("secret")], Context("m1"), default);
        var stored = Assert.Single(await store.ReadStreamAsync(new StreamName("sparkle/1/a"), 1, default));
        var rewriter = (IEventRewriter)store;
        Assert.Equal(1, await rewriter.RewriteAsync([Erase(stored)], default));

        Assert.Equal(0, await rewriter.RewriteAsync([Erase(stored)], default));
        // Stale: expects the original content, which is gone; the replacement would write other data.
        Assert.Equal(0, await rewriter.RewriteAsync([new EventRewrite(stored, stored with { Data = """{"text":"clobber"}""" })], default));

        Assert.Equal("""{"text":"[erased]"}""", Assert.Single(await store.ReadStreamAsync(new StreamName("sparkle/1/a"), 1, default)).Data);
    }

    [Fact]
    public async Task A_move_carries_the_stream_at_the_same_versions_and_leaves_nothing_under_the_old_name()
    {
        var store = await CreateStoreAsync();
        await store.AppendAsync(new StreamName("play/1/123"), 0, [Data("a"), Data("b")], Context("m1"), default);
        await store.AppendWithUnfoldAsync(new StreamName("play/1/123"), 2, [Data("c")], new UnfoldData("State", 1, """{"n":3}"""), Context("m2"), default);
        var before = await store.ReadStreamAsync(new StreamName("play/1/123"), 1, default);

        var moved = await ((IEventRewriter)store).RewriteAsync([.. before.Select(e => Erase(e, "play/1/~kanon"))], default);

        Assert.Equal(3, moved);
        Assert.Empty(await store.ReadStreamAsync(new StreamName("play/1/123"), 1, default));
        Assert.Null(await store.ReadUnfoldAsync(new StreamName("play/1/123"), default));
        var after = await store.ReadStreamAsync(new StreamName("play/1/~kanon"), 1, default);
        Assert.Equal(before.Select(e => (e.Version, e.EventId, e.Type, e.RecordedAt, e.Source)), after.Select(e => (e.Version, e.EventId, e.Type, e.RecordedAt, e.Source)));
        Assert.All(after, e => Assert.Equal("[erased user]", e.ActorName));
        // The idempotency marker follows: the same message again answers with the new stream name.
        var again = await store.AppendAsync(new StreamName("play/1/123"), 0, [Data("x")], Context("m2"), default);
        Assert.Equal(new AppendResult.AlreadyProcessed("play/1/~kanon", 3, 3), again);
        // And the moved stream goes on as any other.
        Assert.IsType<AppendResult.Appended>(await store.AppendAsync(new StreamName("play/1/~kanon"), 3, [Data("d")], Context("m3"), default));
        Assert.Equal(0, await ((IEventRewriter)store).RewriteAsync([.. before.Select(e => Erase(e, "play/1/~kanon"))], default));
    }

    [Fact]
    public async Task A_move_never_overwrites_a_version_the_new_stream_holds()
    {
        var store = await CreateStoreAsync();
        await store.AppendAsync(new StreamName("play/1/123"), 0, [Data("old")], Context("m1"), default);
        await store.AppendAsync(new StreamName("play/1/~kanon"), 0, [Data("new")], Context("m2"), default);
        var legacy = Assert.Single(await store.ReadStreamAsync(new StreamName("play/1/123"), 1, default));

        Assert.Equal(0, await ((IEventRewriter)store).RewriteAsync([Erase(legacy, "play/1/~kanon")], default));

        Assert.Equal("""{"text":"new"}""", Assert.Single(await store.ReadStreamAsync(new StreamName("play/1/~kanon"), 1, default)).Data);
        Assert.Equal("""{"text":"old"}""", Assert.Single(await store.ReadStreamAsync(new StreamName("play/1/123"), 1, default)).Data);
    }

    [Fact]
    public async Task Anything_but_data_actor_and_stream_name_is_refused()
    {
        var store = await CreateStoreAsync();
        await store.AppendAsync(new StreamName("play/1/123"), 0, [Data("a")], Context("m1"), default);
        var e = Assert.Single(await store.ReadStreamAsync(new StreamName("play/1/123"), 1, default));
        var rewriter = (IEventRewriter)store;

        await Assert.ThrowsAsync<ArgumentException>(() => rewriter.RewriteAsync([new EventRewrite(e, e with { Type = "Other" })], default));
        await Assert.ThrowsAsync<ArgumentException>(() => rewriter.RewriteAsync([new EventRewrite(e, e with { Version = 2 })], default));
        await Assert.ThrowsAsync<ArgumentException>(() => rewriter.RewriteAsync([new EventRewrite(e, e with { StreamId = "play/2/~k" })], default));
        await Assert.ThrowsAsync<ArgumentException>(() => rewriter.RewriteAsync([new EventRewrite(e, e with { StreamId = "sparkle/1/~k" })], default));
        Assert.Equal(e, Assert.Single(await store.ReadStreamAsync(new StreamName("play/1/123"), 1, default)));
    }

    [Fact]
    public async Task The_guild_read_returns_every_event_of_that_guild_and_category_only()
    {
        var store = await CreateStoreAsync();
        for (var i = 0; i < 5; i++)
            await store.AppendAsync(new StreamName($"sparkle/1/u{i}"), 0, [Data($"s{i}")], Context($"a{i}"), default);
        await store.AppendAsync(new StreamName("play/1/u0"), 0, [Data("p")], Context("b"), default);
        await store.AppendAsync(new StreamName("sparkle/2/u0"), 0, [Data("other guild")], new AppendContext("2", "42", "alice", "c"), default);

        var read = new List<EventEnvelope>();
        await foreach (var e in store.ReadGuildEventsAsync("1", "sparkle", default)) read.Add(e);

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"sparkle/1/u{i}").Order(), read.Select(e => e.StreamId).Order());
    }
}
