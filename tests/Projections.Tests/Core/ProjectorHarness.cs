using EventBot.Domain.Common;
using EventBot.Domain.Remember;
using EventBot.EventStore;
using EventBot.EventStore.Sqlite;
using EventBot.Projections.Core;
using EventBot.Projections.Remember;
using EventBot.Projections.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EventBot.Projections.Tests.Core;

/// <summary>A real SQLite store and view store in a temp folder, with helpers to seed remember events.</summary>
public sealed class ProjectorHarness : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "eventbot-tests", Guid.NewGuid().ToString("N"));
    private int _source;

    public ProjectorHarness()
    {
        Database = new SqliteDatabase(Path.Combine(_dir, "eventbot.db"));
        Store = new SqliteEventStore(Database, Time);
        Views = new SqliteViewStore(Database);
        Generations = new Generations(Views);
        Core = NewCore();
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));

    public SqliteDatabase Database { get; }

    public SqliteEventStore Store { get; }

    public SqliteViewStore Views { get; }

    public Generations Generations { get; }

    public ProjectionSignals Signals { get; } = new();

    public ProjectorCore Core { get; }

    public ProjectorCore NewCore(long? targetGeneration = null) =>
        new([new RememberedValues()], Views, Store, EventCodec.Default, Generations, Signals, NullLogger<ProjectorCore>.Instance)
        {
            TargetGeneration = targetGeneration,
        };

    public static readonly GuildId Guild = new(1);

    public async Task<IReadOnlyList<EventEnvelope>> AppendAsync(string key, params RememberEvent[] events)
    {
        var stream = new StreamName(RememberStream.For(Guild, MemoryKey.Parse(key)));
        var current = (await Store.ReadStreamAsync(stream, 1, default)).Count;
        var result = await Store.AppendAsync(stream, current, [.. events.Select(EventCodec.Default.Encode)],
            new AppendContext(Guild.ToString(), "42", "alice", $"test:{++_source}"), default);
        return ((AppendResult.Appended)result).Events;
    }

    public async Task<RememberedValue?> ValueAsync(string key, long generation = 1) =>
        RememberedValues.Read(await Views.GetAsync(new ViewKey(
            Generations.PhysicalPartition(RememberedValues.ProjectionName, generation, Guild.ToString()), MemoryKey.Parse(key).Normalized), default));

    public async Task<IReadOnlyList<(string Sort, string Body, long Applied)>> DumpAsync(long generation = 1) =>
        [.. (await Views.QueryAsync(Generations.PhysicalPartition(RememberedValues.ProjectionName, generation, Guild.ToString()), default))
            .Select(r => (r.Key.Sort, r.Body, r.Applied.Values.Single()))];

    public async Task<List<EventEnvelope>> AllAsync()
    {
        var all = new List<EventEnvelope>();
        await foreach (var e in Store.ReadAllAsync(default)) all.Add(e);
        return all;
    }

    public void Dispose()
    {
        Store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
