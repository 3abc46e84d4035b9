using System.Diagnostics;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventBot.Bot.Chat;
using EventBot.Domain.Common;
using EventBot.Domain.Play;
using EventBot.Domain.Remember;
using EventBot.EventStore;
using EventBot.EventStore.DynamoDb;
using EventBot.EventStore.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EventBot.Bench;

/// <summary>
/// Issue 19, items 1 and 2. Cost flat in history length: <c>.remember history</c>, <c>.remember k as of</c> and
/// <c>.play coin</c> on a stream of 10 events against the same command on a long stream (10,000; 1,000 with
/// <c>--quick</c>), interleaved, on both stores; the value is the ratio of the p50s. Read-your-writes at the read: a
/// write's reply time on DynamoDB Local against a raw PutItem + GetItem of the same run, and the read after it.
/// </summary>
public static class FlatScenarios
{
    /// <param name="LongStream">The long streams' length.</param>
    /// <param name="Commands">Measured pairs per command (after <see cref="WarmUp"/>).</param>
    /// <param name="Writes">Measured writes (and reads after them) on DynamoDB Local.</param>
    public sealed record FlatSizes(int ShortStream, int LongStream, int Commands, int Writes)
    {
        public static FlatSizes For(bool quick) => quick ? new(10, 1_000, 30, 20) : new(10, 10_000, 200, 150);
    }

    private const int WarmUp = 10;
    private static readonly ChatUser Writer = new(UserId.FromName("bench-writer"), "bench-writer");
    private static readonly ChatUser Reader = new(UserId.FromName("bench-reader"), "bench-reader");

    private static ChatUser Player(string name) => new(UserId.FromName(name), name);

    private static ChatMessage Message(ChatUser author, string content) => new(Guid.CreateVersion7().ToString("N"), BenchData.Guild, author, content, []);

    /// <summary>
    /// What both stores are seeded with, recorded about an hour ago: the keys <c>short</c> and <c>long</c>,
    /// one long player and one short player per measured game (each game then runs on a stream of exactly
    /// <see cref="FlatSizes.ShortStream"/> events), each player with the unfold the bot would have stored.
    /// </summary>
    private sealed record Seed(string Name, StreamName Stream, IReadOnlyList<EventData> Events, UnfoldData? Unfold);

    private static List<Seed> Seeds(FlatSizes sizes, EventCodec codec)
    {
        Seed Key(string key, int n) => new(key, new StreamName(RememberStream.For(BenchData.Guild, MemoryKey.Parse(key))),
            [.. Enumerable.Range(1, n).Select(i => codec.Encode(new RememberEvent.ValueRemembered(key, $"value {i}", i == 1 ? null : $"value {i - 1}")))], null);
        Seed Games(string player, int n)
        {
            var games = Enumerable.Range(1, n).Select(i => (PlayEvent)new PlayEvent.GamePlayed(Game.Coin, "heads", null, i % 2 == 0 ? CoinSide.Heads : CoinSide.Tails,
                null, null, i % 2 == 0 ? GameResult.Win : GameResult.Loss, DateTimeOffset.UtcNow.AddHours(-1))).ToList();
            return new(player, new StreamName(PlayStream.For(BenchData.Guild, Player(player).Id)), [.. games.Select(g => codec.Encode(g))],
                new UnfoldData(PlayerStats.Unfold.Type, PlayerStats.Unfold.SchemaVersion, PlayerStats.Unfold.Encode(PlayerStats.Fold(games))));
        }
        // Players first, keys last: once the projector shows the keys' last values, it has applied everything before.
        return
        [
            Games("long-player", sizes.LongStream),
            .. Enumerable.Range(0, WarmUp + sizes.Commands).Select(i => Games($"short-player-{i}", sizes.ShortStream)),
            Key("short", sizes.ShortStream),
            Key("long", sizes.LongStream),
        ];
    }

    public static async Task<List<BenchMetric>> SqliteAsync(bool quick, string dir, CancellationToken ct)
    {
        var sizes = FlatSizes.For(quick);
        using (var store = new SqliteEventStore(new SqliteDatabase(Path.Combine(dir, "eventbot.db")), new PastClock()))
        {
            foreach (var seed in Seeds(sizes, EventCodec.Default))
            {
                // Appends of up to 100 events, checked as usual, 50 appends a transaction; the last one carries the unfold.
                var chunks = seed.Events.Chunk(100).ToList();
                var appends = chunks.Select((chunk, i) => new PendingAppend(seed.Stream, i * 100L, chunk, BenchData.Context(BenchData.Guild, $"seed:{seed.Name}:{i}"))
                {
                    Unfold = i == chunks.Count - 1 ? seed.Unfold : null,
                });
                foreach (var batch in appends.Chunk(50))
                    if ((await store.AppendManyAsync(batch, ct)).FirstOrDefault(r => r is not AppendResult.Appended) is { } failed)
                        throw new InvalidOperationException($"seeding failed: {failed}");
            }
        }
        SqliteConnection.ClearAllPools();
        using var host = SqliteScenarios.BuildHost(new Dictionary<string, string?> { ["EVENTBOT_DATA_DIR"] = dir });
        await host.StartAsync(ct);
        try
        {
            var bot = host.Services.GetRequiredService<ChatBot>();
            // The tail projects the seeded history at start; measure once it has (the keys were seeded last).
            var deadline = Stopwatch.GetTimestamp() + 120 * Stopwatch.Frequency;
            while ((await bot.HandleAsync(Message(Reader, ".remember long"), ct))?.Text != $"`long` is value {sizes.LongStream}")
            {
                if (Stopwatch.GetTimestamp() > deadline) throw new TimeoutException("the SQLite tail did not project the seeded history within 2 minutes");
                await Task.Delay(100, ct);
            }
            return await MeasureAsync(bot, host.Services.GetRequiredService<IEventReader>(), sizes, "sqlite", ct);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    public static async Task<List<BenchMetric>> DynamoDbAsync(bool quick, string dir, string prefix, CancellationToken ct)
    {
        var sizes = FlatSizes.For(quick);
        // The projector is off: these commands read the events table only (a write's pending rows are not waited for by them).
        using var host = SqliteScenarios.BuildHost(DynamoDbScenarios.Environment(dir, prefix, projector: false));
        await host.StartAsync(ct);
        try
        {
            var client = host.Services.GetRequiredService<IAmazonDynamoDB>();
            var table = EventBotTables.EventsTableName(prefix);
            var at = DateTimeOffset.UtcNow.AddHours(-1);
            var items = new List<Dictionary<string, AttributeValue>>();
            foreach (var seed in Seeds(sizes, EventCodec.Default))
            {
                var envelopes = seed.Events.Select((e, i) => new EventEnvelope(seed.Stream.Value, i + 1, Guid.CreateVersion7(), e.Type, e.SchemaVersion, e.Data,
                    BenchData.Guild.ToString(), BenchData.Author.Id.ToString(), BenchData.Author.DisplayName, $"seed:{seed.Name}:{i}", at = at.AddMilliseconds(1))).ToList();
                items.AddRange(envelopes.Select(EventItem.ToItem));
                if (seed.Unfold is { } unfold) items.Add(EventItem.ToUnfoldItem(seed.Stream.Value, unfold, envelopes[^1].Version, envelopes[^1].EventId));
            }
            // The items the store writes, sent by BatchWriteItem (idempotency markers left out: no read here uses them).
            await client.BatchWriteManyAsync(table, items.Select(i => new WriteRequest(new PutRequest(i))), ct);
            return await MeasureAsync(host.Services.GetRequiredService<ChatBot>(), host.Services.GetRequiredService<IEventReader>(), sizes, "dynamodb", ct);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    private static async Task<List<BenchMetric>> MeasureAsync(ChatBot bot, IEventReader reader, FlatSizes sizes, string store, CancellationToken ct)
    {
        // What each of these commands did before issue 19, whatever it showed: read and decode the whole stream.
        Samples beforeShort = new(), beforeLong = new();
        for (var i = 0; i < 3 + 20; i++)
        {
            foreach (var key in new[] { "short", "long" })
            {
                var start = Stopwatch.GetTimestamp();
                var events = await reader.ReadStreamAsync(new StreamName(RememberStream.For(BenchData.Guild, MemoryKey.Parse(key))), 1, ct);
                _ = Memory.Fold(events.Select(e => (RememberEvent)EventCodec.Default.Decode(e)));
                if (i >= 3) (key == "long" ? beforeLong : beforeShort).Add(Stopwatch.GetTimestamp() - start);
            }
        }
        var before = $"; before, every one of these commands read and decoded the whole stream: p50 {beforeLong.PercentileMs(50):0.00} ms at " +
            $"{sizes.LongStream:N0} vs {beforeShort.PercentileMs(50):0.00} ms at {sizes.ShortStream} ({beforeLong.PercentileMs(50) / beforeShort.PercentileMs(50):0.0}×) for that read alone";

        // A long history, a short one: the same command alternately, first one then the other, then the other way round.
        async Task<(Samples Short, Samples Long)> PairsAsync(Func<int, bool, ChatMessage> message, Func<string, bool> ok)
        {
            Samples shortSamples = new(), longSamples = new();
            for (var i = 0; i < WarmUp + sizes.Commands; i++)
            {
                foreach (var isLong in i % 2 == 0 ? new[] { false, true } : [true, false])
                {
                    var start = Stopwatch.GetTimestamp();
                    var reply = await bot.HandleAsync(message(i, isLong), ct);
                    var elapsed = Stopwatch.GetTimestamp() - start;
                    if (reply is null || !ok(reply.Text)) throw new InvalidOperationException($"unexpected reply: {reply?.Text}");
                    if (i >= WarmUp) (isLong ? longSamples : shortSamples).Add(elapsed);
                }
            }
            return (shortSamples, longSamples);
        }

        static string Key(bool isLong) => isLong ? "long" : "short";
        var history = await PairsAsync((_, isLong) => Message(Reader, $".remember history {Key(isLong)}"), t => t.StartsWith("History of", StringComparison.Ordinal));
        var asOf = await PairsAsync((_, isLong) => Message(Reader, $".remember {Key(isLong)} as of 30m ago"), t => t.StartsWith("As of", StringComparison.Ordinal));
        // Plays last: they are writes. Each short game is the first of its player, whose stream holds exactly ShortStream games.
        var play = await PairsAsync((i, isLong) => Message(Player(isLong ? "long-player" : $"short-player-{i}"), ".play coin heads"),
            t => t.Contains("coin: ", StringComparison.Ordinal));

        BenchMetric Ratio(string name, string what, (Samples Short, Samples Long) s) => new(
            $"{name}_{store}", s.Long.PercentileMs(50) / s.Short.PercentileMs(50), "× (p50 long / p50 short)", null, null, "≤ 1.5", store,
            $"{what}: p50 {s.Long.PercentileMs(50):0.00} ms at {sizes.LongStream:N0} events vs {s.Short.PercentileMs(50):0.00} ms at {sizes.ShortStream}; " +
            $"p99 {s.Long.PercentileMs(99):0.00} vs {s.Short.PercentileMs(99):0.00} ms; {sizes.Commands} pairs, interleaved{before}");
        return
        [
            Ratio("history_cost_ratio", ".remember history <key> (page 1)", history),
            Ratio("asof_cost_ratio", ".remember <key> as of 30m ago (history recorded 1 h ago)", asOf),
            Ratio("play_cost_ratio", ".play coin heads (unfold + tail)", play),
        ];
    }

    /// <summary>
    /// Writes through the real container on DynamoDB Local with the in-process Streams poller: <c>.remember k is v</c>
    /// (replies once appended) against a raw PutItem + consistent GetItem, interleaved; then the read of that key by
    /// another user, which now carries the read-your-writes wait (the Streams poller's delivery).
    /// </summary>
    public static async Task<List<BenchMetric>> WritesDynamoDbAsync(bool quick, string dir, string prefix, CancellationToken ct)
    {
        var sizes = FlatSizes.For(quick);
        using var host = SqliteScenarios.BuildHost(DynamoDbScenarios.Environment(dir, prefix, projector: true));
        await host.StartAsync(ct);
        try
        {
            var bot = host.Services.GetRequiredService<ChatBot>();
            var client = host.Services.GetRequiredService<IAmazonDynamoDB>();
            var table = EventBotTables.EventsTableName(prefix);
            Samples writes = new(), raw = new(), reads = new();
            var catchingUp = 0;
            using var timer = new DynamoDbCallTimer(client);
            for (var i = 0; i < 5 + sizes.Writes; i++)
            {
                var start = Stopwatch.GetTimestamp();
                var message = Message(Writer, $".remember w{i % 20} is value {i}");
                var reply = await timer.MeasureAsync(() => bot.HandleAsync(message, ct), record: i >= 5);
                var written = Stopwatch.GetTimestamp() - start;
                if (reply is null || !(reply.Text.StartsWith("Remembered", StringComparison.Ordinal) || reply.Text.StartsWith("Updated", StringComparison.Ordinal)))
                    throw new InvalidOperationException($"unexpected reply: {reply?.Text}");
                var rawTicks = await DynamoDbScenarios.RawPutGetAsync(client, table, i, ct);
                start = Stopwatch.GetTimestamp();
                var read = await bot.HandleAsync(Message(Reader, $".remember w{i % 20}"), ct);
                var readTicks = Stopwatch.GetTimestamp() - start;
                if (read is null || !read.Text.StartsWith($"`w{i % 20}` is value {i}", StringComparison.Ordinal))
                {
                    if (read?.Text.Contains("catching up", StringComparison.Ordinal) != true) throw new InvalidOperationException($"unexpected reply: {read?.Text}");
                    catchingUp++;
                }
                if (i < 5) continue;
                writes.Add(written);
                raw.Add(rawTicks);
                reads.Add(readTicks);
            }
            var note = $".remember k is v by one user, {sizes.Writes} writes; the reply no longer waits for the Streams poller; {timer.Breakdown()}";
            var readNote = $".remember k by another user right after each write: waits until the Streams poller (250 ms idle poll) has applied it" +
                (catchingUp > 0 ? $"; {catchingUp} ran out of time" : "; none ran out of time");
            return
            [
                new("command_rtt_dynamodb_write", writes.PercentileMs(99), "ms p99", raw.PercentileMs(99), "PutItem + GetItem p99", "ratio ≤ 3", "dynamodb", note),
                new("command_rtt_dynamodb_write_p50", writes.PercentileMs(50), "ms p50", raw.PercentileMs(50), "PutItem + GetItem p50", null, "dynamodb", note),
                new("command_rtt_dynamodb_read_after_write_p50", reads.PercentileMs(50), "ms p50", null, null, null, "dynamodb", readNote),
                new("command_rtt_dynamodb_read_after_write_p99", reads.PercentileMs(99), "ms p99", null, null, null, "dynamodb", readNote),
            ];
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>An hour ago, a second later at every call: seeded histories lie in the past, spread over time.</summary>
    private sealed class PastClock : TimeProvider
    {
        private DateTimeOffset _now = DateTimeOffset.UtcNow.AddHours(-1);

        public override DateTimeOffset GetUtcNow() => _now = _now.AddSeconds(1);
    }
}
