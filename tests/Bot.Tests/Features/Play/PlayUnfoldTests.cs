using EventBot.Domain.Play;
using EventBot.EventStore;
using EventBot.EventStore.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace EventBot.Bot.Tests.Features.Play;

/// <summary>
/// A game loads the player's tallies stored beside their stream (an unfold) instead of every game before it (issue 19),
/// and never trusts one that does not match the stream: a lying, missing or older-schema unfold means a full fold.
/// </summary>
public sealed class PlayUnfoldTests : IAsyncLifetime
{
    private const int Heads = 0, Tails = 1;
    private static readonly StreamName Alice = new(PlayStream.For(GamesHost.Guild, Domain.Common.UserId.FromName("alice")));

    private GamesHost _bot = null!;

    public async Task InitializeAsync() => _bot = await GamesHost.StartAsync();

    public async Task DisposeAsync() => await _bot.DisposeAsync();

    private IEventStore Store => _bot.Services.GetRequiredService<IEventStore>();

    private void Sql(string sql) => _bot.Services.GetRequiredService<SqliteDatabase>().Execute(sql);

    private async Task PlayThreeAsync()
    {
        _bot.Random.Enqueue(Heads, Heads, Tails);
        await _bot.TextAsync("alice", ".play coin heads");
        await _bot.TextAsync("alice", ".play coin heads");
        Assert.EndsWith("coin: 2 W · 1 L · 0 D · streak 0 (best 2)", await _bot.TextAsync("alice", ".play coin heads"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_game_stores_the_tallies_after_it_beside_the_stream_in_the_same_append()
    {
        await PlayThreeAsync();

        var unfold = await Store.ReadUnfoldAsync(Alice, default);
        var newest = Assert.Single(await Store.ReadStreamBackwardAsync(Alice, StreamRead.FromEnd, 1, default));

        Assert.Equal((PlayerStats.Unfold.Type, PlayerStats.Unfold.SchemaVersion, 3L, newest.EventId), (unfold!.Type, unfold.SchemaVersion, unfold.Version, unfold.EventId));
        Assert.Equal(new Tally(3, 2, 1, 0, 0, 2), PlayerStats.Unfold.Decode(unfold.Data).Coin);
    }

    [Fact]
    public async Task The_next_game_is_decided_from_the_unfold_and_the_events_after_it()
    {
        await PlayThreeAsync();
        // A game appended without an unfold (an import, older code): the stored tallies are one game behind.
        await Store.AppendAsync(Alice, 3, [EventCodec.Default.Encode(new PlayEvent.GamePlayed(Game.Coin, "heads", null, CoinSide.Heads, null, null, GameResult.Win, GamesHost.Start))],
            new AppendContext(GamesHost.Guild.ToString(), "1", "import", "import-1"), default);
        _bot.Random.Enqueue(Heads);

        Assert.EndsWith("coin: 4 W · 1 L · 0 D · streak 2 (best 2)", await _bot.TextAsync("alice", ".play coin heads"), StringComparison.Ordinal);
        Assert.Equal(5, (await Store.ReadUnfoldAsync(Alice, default))!.Version);
    }

    [Theory]
    [InlineData("version = 2")] // claims an older version, but names the newest event: a lie
    [InlineData("version = 7")] // claims a version the stream does not have
    [InlineData("event_id = '00000000-0000-7000-8000-000000000000'")] // the right version, another event
    public async Task An_unfold_that_lies_about_where_it_was_folded_up_to_is_never_used(string lie)
    {
        await PlayThreeAsync();
        // The lie claims a hundred wins; were it used, the reply would show them.
        var inflated = PlayerStats.Unfold.Encode(PlayerStats.Initial with { Coin = new Tally(100, 100, 0, 0, 100, 100), Total = new Tally(100, 100, 0, 0, 100, 100) });
        Sql($"UPDATE unfolds SET {lie}, data = '{inflated}'");
        _bot.Random.Enqueue(Tails);

        Assert.EndsWith("coin: 2 W · 2 L · 0 D · streak 0 (best 2)", await _bot.TextAsync("alice", ".play coin heads"), StringComparison.Ordinal);
        var repaired = await Store.ReadUnfoldAsync(Alice, default);
        Assert.Equal((4L, new Tally(4, 2, 2, 0, 0, 2)), (repaired!.Version, PlayerStats.Unfold.Decode(repaired.Data).Coin));
    }

    [Theory]
    [InlineData("schema_version = 0, data = '{\"wins\":\"many\"}'")] // an older schema: never decoded
    [InlineData("type = 'SomethingElse'")]
    [InlineData("data = 'not json'")]
    public async Task An_unfold_of_another_schema_or_type_or_that_cannot_be_read_means_a_full_fold(string change)
    {
        await PlayThreeAsync();
        Sql($"UPDATE unfolds SET {change}");
        _bot.Random.Enqueue(Heads);

        Assert.EndsWith("coin: 3 W · 1 L · 0 D · streak 1 (best 2)", await _bot.TextAsync("alice", ".play coin heads"), StringComparison.Ordinal);
        Assert.Equal(PlayerStats.Unfold.SchemaVersion, (await Store.ReadUnfoldAsync(Alice, default))!.SchemaVersion);
    }

    [Fact]
    public async Task A_stream_without_an_unfold_is_folded_and_gets_one()
    {
        await PlayThreeAsync();
        Sql("DELETE FROM unfolds");
        _bot.Random.Enqueue(Heads);

        Assert.EndsWith("coin: 3 W · 1 L · 0 D · streak 1 (best 2)", await _bot.TextAsync("alice", ".play coin heads"), StringComparison.Ordinal);
        Assert.Equal(4, (await Store.ReadUnfoldAsync(Alice, default))!.Version);
    }
}
