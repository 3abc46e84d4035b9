using EventBot.Domain.Common;
using EventBot.Domain.Play;
using EventBot.Domain.Sparkle;
using EventBot.EventStore;
using EventBot.EventStore.Sqlite;
using EventBot.Projections.Core;
using EventBot.Projections.Play;
using EventBot.Projections.Replay;
using EventBot.Projections.Sparkle;
using EventBot.Projections.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EventBot.Projections.Tests.Leaderboards;

/// <summary>A real SQLite store and view store with the sparkle and play projections, and helpers to seed their events.</summary>
public sealed class BoardHarness : IDisposable
{
    public static readonly GuildId Guild = new(7);
    public static readonly string GuildText = Guild.ToString();

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "eventbot-tests", Guid.NewGuid().ToString("N"));
    private int _source;

    public BoardHarness()
    {
        Database = new SqliteDatabase(Path.Combine(_dir, "eventbot.db"));
        Store = new SqliteEventStore(Database, Time);
        Views = new SqliteViewStore(Database);
        Generations = new Generations(Views);
        ReadModels = new ReadModels(Views, Generations);
        Core = NewCore();
    }

    // Early, so tests can seed events at any later time (a fake clock never goes back).
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public SqliteDatabase Database { get; }

    public SqliteEventStore Store { get; }

    public SqliteViewStore Views { get; }

    public Generations Generations { get; }

    public ReadModels ReadModels { get; }

    public ProjectionSignals Signals { get; } = new();

    public ProjectorCore Core { get; }

    public static IReadOnlyList<IProjection> Projections => [new SparkleTotals(), new SparkleBoard(), new PlayRecords(), new PlayBoard()];

    public ProjectorCore NewCore(IReadOnlyList<IProjection>? projections = null, long? targetGeneration = null) =>
        new(projections ?? Projections, Views, Store, EventCodec.Default, Generations, Signals, NullLogger<ProjectorCore>.Instance)
        {
            TargetGeneration = targetGeneration,
        };

    public Rebuilder NewRebuilder() => new(Store, Views, EventCodec.Default, Generations, Signals, NullLoggerFactory.Instance);

    public static UserId User(string name) => UserId.FromName(name);

    /// <summary><paramref name="giver"/> sparkles <paramref name="target"/> at <paramref name="at"/> (also the recorded time).</summary>
    public async Task<EventEnvelope> SparkleAsync(string giver, string target, DateTimeOffset at, string? reason = null)
    {
        Time.SetUtcNow(at);
        var e = new SparkleEvent.SparkleGiven(User(giver).Value, giver, User(target).Value, target, reason, at);
        return await AppendAsync(SparkleStream.For(Guild, User(target)), giver, e);
    }

    public async Task<EventEnvelope> PlayAsync(string player, Game game, GameResult result, DateTimeOffset at)
    {
        Time.SetUtcNow(at);
        var e = game switch
        {
            Game.Rps => new PlayEvent.GamePlayed(game, "rock", result switch { GameResult.Win => Hand.Scissors, GameResult.Loss => Hand.Paper, _ => Hand.Rock }, null, null, null, result, at),
            Game.Coin => new PlayEvent.GamePlayed(game, "heads", null, result == GameResult.Win ? CoinSide.Heads : CoinSide.Tails, null, null, result, at),
            _ => new PlayEvent.GamePlayed(game, "1d6 4", null, null, [result == GameResult.Win ? 5 : 2], null, result, at),
        };
        return await AppendAsync(PlayStream.For(Guild, User(player)), player, e);
    }

    private async Task<EventEnvelope> AppendAsync(string streamId, string actor, object @event)
    {
        var stream = new StreamName(streamId);
        var current = (await Store.ReadStreamAsync(stream, 1, default)).Count;
        var result = await Store.AppendAsync(stream, current, [EventCodec.Default.Encode(@event)],
            new AppendContext(GuildText, User(actor).ToString(), actor, $"test:{++_source}"), default);
        return ((AppendResult.Appended)result).Events.Single();
    }

    public async Task<List<EventEnvelope>> AllAsync()
    {
        var all = new List<EventEnvelope>();
        await foreach (var e in Store.ReadAllAsync(default)) all.Add(e);
        return all;
    }

    public async Task ProjectAllAsync() => Assert.Null((await Core.ProjectAsync(await AllAsync(), default)).FirstFailedIndex);

    /// <summary>A sparkle board window, ranked: (rank, name, score).</summary>
    public async Task<IReadOnlyList<(int Rank, string Name, int Score)>> SparkleBoardAsync(string window, string projection = SparkleBoard.ProjectionName) =>
        [.. SparkleBoard.Rank((await ReadModels.QueryAsync(projection, SparkleBoard.Partition(GuildText, window), default)).Select(SparkleBoard.Read).OfType<BoardEntry>())
            .Select(r => (r.Rank, r.Entry.Name, r.Entry.Score))];

    public async Task<IReadOnlyList<(int Rank, string Name, int Wins, int Plays)>> PlayBoardAsync(Game? game, string window) =>
        [.. PlayBoard.Rank((await ReadModels.QueryAsync(PlayBoard.ProjectionName, PlayBoard.Partition(GuildText, game, window), default)).Select(PlayBoard.Read).OfType<PlayBoardEntry>())
            .Select(r => (r.Rank, r.Entry.Name, r.Entry.Wins, r.Entry.Plays))];

    public async Task<SparkleTotal?> TotalAsync(string user) =>
        SparkleTotals.Read(await ReadModels.GetAsync(SparkleTotals.ProjectionName, SparkleTotals.RowFor(GuildText, User(user).Value), default));

    public void Dispose()
    {
        Store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
