using EventBot.Bot.Chat;
using EventBot.Domain.Common;
using EventBot.Domain.Remember;
using EventBot.Domain.Sparkle;
using EventBot.EventStore;
using EventBot.EventStore.Sqlite;

namespace EventBot.Bench;

/// <summary>Realistic events and messages for the scenarios: the remember and sparkle families, as the bot writes them.</summary>
public static class BenchData
{
    public static readonly GuildId Guild = GuildId.FromName("bench");
    public static readonly ChatUser Author = new(UserId.FromName("bench"), "bench");

    public static AppendContext Context(GuildId guild, string source) =>
        new(guild.ToString(), Author.Id.ToString(), Author.DisplayName, source);

    public static string NewSource() => "bench:" + Guid.CreateVersion7().ToString("N");

    public static ChatMessage Message(string content) =>
        new(Guid.CreateVersion7().ToString("N"), Guild, Author, content, []);

    public static (StreamName Stream, EventData Event) Remember(EventCodec codec, GuildId guild, string key, string value, string? previous) =>
        (new StreamName(RememberStream.For(guild, MemoryKey.Parse(key))),
         codec.Encode(new RememberEvent.ValueRemembered(key, value, previous)));

    public static (StreamName Stream, EventData Event) Sparkle(EventCodec codec, GuildId guild, int target, DateTimeOffset at)
    {
        var targetId = UserId.FromName($"user{target}");
        return (new StreamName(SparkleStream.For(guild, targetId)),
            codec.Encode(new SparkleEvent.SparkleGiven(Author.Id.Value, Author.DisplayName, targetId.Value, $"user{target}", "bench", at)));
    }

    /// <summary>
    /// Seeds <paramref name="count"/> events through the store's batch append (one transaction per batch, every append
    /// checked as usual): 70 % remember values over 20,000 keys in 10 servers, 30 % sparkles over 1,000 users.
    /// </summary>
    public static async Task SeedSqliteAsync(SqliteEventStore store, EventCodec codec, int count, CancellationToken ct)
    {
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        var batch = new List<PendingAppend>(1000);
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < count; i++)
        {
            var guild = GuildId.FromName($"bench{i % 10}");
            var (stream, data) = i % 10 < 7
                ? Remember(codec, guild, $"key{i % 20_000}", $"value {i}", null)
                : Sparkle(codec, guild, i % 1000, now);
            versions.TryGetValue(stream.Value, out var expected);
            versions[stream.Value] = expected + 1;
            batch.Add(new PendingAppend(stream, expected, [data], Context(guild, $"seed:{i}")));
            if (batch.Count == batch.Capacity) await FlushAsync(store, batch, ct);
        }
        await FlushAsync(store, batch, ct);
    }

    private static async Task FlushAsync(SqliteEventStore store, List<PendingAppend> batch, CancellationToken ct)
    {
        if (batch.Count == 0) return;
        var results = await store.AppendManyAsync(batch, ct);
        if (results.FirstOrDefault(r => r is not AppendResult.Appended) is { } failed)
            throw new InvalidOperationException($"Seeding failed: {failed}");
        batch.Clear();
    }
}
