using System.Diagnostics;
using System.Globalization;
using EventBot.Bot.Chat;
using EventBot.Bot.Hosting;
using EventBot.Domain.Common;
using EventBot.EventStore;
using EventBot.EventStore.Sqlite;
using EventBot.Projections.Core;
using EventBot.Projections.Remember;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EventBot.Bench;

/// <summary>The embedded store: append rates, console round trips, tail lag.</summary>
public static class SqliteScenarios
{
    /// <summary>
    /// Single-event appends (one transaction each) and batched appends (<see cref="SqliteEventStore.AppendManyAsync"/>),
    /// interleaved in blocks with a raw baseline: plain INSERTs into a table of the same shape, no checks, no marker.
    /// </summary>
    public static async Task<List<BenchMetric>> AppendRateAsync(BenchSizes sizes, string dir, CancellationToken ct)
    {
        var codec = EventCodec.Default;
        using var store = new SqliteEventStore(new SqliteDatabase(Path.Combine(dir, "append.db")), TimeProvider.System);
        using var raw = new RawSqlite(new SqliteDatabase(Path.Combine(dir, "raw.db")));
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);

        (PendingAppend Append, EventEnvelope Raw) Next(int i)
        {
            var (stream, data) = BenchData.Remember(codec, BenchData.Guild, $"key{i % 500}", $"value {i}", null);
            versions.TryGetValue(stream.Value, out var expected);
            versions[stream.Value] = expected + 1;
            var context = BenchData.Context(BenchData.Guild, BenchData.NewSource());
            var envelope = new EventEnvelope(stream.Value, expected + 1, Guid.CreateVersion7(), data.Type, data.SchemaVersion, data.Data,
                context.GuildId, context.ActorId, context.ActorName, context.Source, DateTimeOffset.UtcNow);
            return (new PendingAppend(stream, expected, [data], context), envelope);
        }

        // Single: blocks of 100, alternating which side goes first.
        long storeTicks = 0, rawTicks = 0;
        for (var done = 0; done < sizes.SqliteSingleAppends; done += 100)
        {
            var block = Enumerable.Range(done, 100).Select(Next).ToList();
            async Task<long> StoreSide()
            {
                var start = Stopwatch.GetTimestamp();
                foreach (var (a, _) in block)
                {
                    var r = await store.AppendAsync(a.Stream, a.ExpectedVersion, a.Events, a.Context, ct);
                    if (r is not AppendResult.Appended) throw new InvalidOperationException($"append failed: {r}");
                }
                return Stopwatch.GetTimestamp() - start;
            }
            long RawSide()
            {
                var start = Stopwatch.GetTimestamp();
                foreach (var (_, e) in block) raw.InsertOne(e);
                return Stopwatch.GetTimestamp() - start;
            }
            if (done / 100 % 2 == 0) { storeTicks += await StoreSide(); rawTicks += RawSide(); }
            else { rawTicks += RawSide(); storeTicks += await StoreSide(); }
        }
        var single = Rate(sizes.SqliteSingleAppends, storeTicks);
        var singleRaw = Rate(sizes.SqliteSingleAppends, rawTicks);

        storeTicks = rawTicks = 0;
        var offset = 1_000_000;
        for (var done = 0; done < sizes.SqliteBatchedAppends; done += sizes.SqliteBatchSize)
        {
            var block = Enumerable.Range(offset + done, sizes.SqliteBatchSize).Select(Next).ToList();
            var appends = block.Select(b => b.Append).ToList();
            var start = Stopwatch.GetTimestamp();
            var results = await store.AppendManyAsync(appends, ct);
            storeTicks += Stopwatch.GetTimestamp() - start;
            if (results.Any(r => r is not AppendResult.Appended)) throw new InvalidOperationException("batched append failed");
            start = Stopwatch.GetTimestamp();
            raw.InsertMany(block.Select(b => b.Raw));
            rawTicks += Stopwatch.GetTimestamp() - start;
        }
        var batched = Rate(sizes.SqliteBatchedAppends, storeTicks);
        var batchedRaw = Rate(sizes.SqliteBatchedAppends, rawTicks);

        // The same single appends through the privacy layer (docs/privacy.md): per event a new value key (one more
        // insert, in the append's own transaction), the value and the actor's name encrypted. Beside the plain store's rate.
        var privateDatabase = new SqliteDatabase(Path.Combine(dir, "private.db"));
        using var privateInner = new SqliteEventStore(privateDatabase, TimeProvider.System);
        var ring = new EventBot.EventStore.Privacy.KeyRing(new EventBot.EventStore.Privacy.SqliteKeyStore(privateDatabase),
            EventBot.EventStore.Privacy.LocalKeyFile.OpenOrCreate(Path.Combine(dir, "bench.key")), TimeProvider.System);
        var privateStore = EventBot.EventStore.Privacy.PrivateEventStore.Wrap(privateInner, new EventBot.EventStore.Privacy.EventPrivacy(ring));
        versions.Clear();
        var privateStart = Stopwatch.GetTimestamp();
        for (var i = 0; i < sizes.SqliteSingleAppends; i++)
        {
            var (a, _) = Next(2_000_000 + i);
            var r = await privateStore.AppendAsync(a.Stream, a.ExpectedVersion, a.Events, a.Context, ct);
            if (r is not AppendResult.Appended) throw new InvalidOperationException($"append failed: {r}");
        }
        var encrypted = Rate(sizes.SqliteSingleAppends, Stopwatch.GetTimestamp() - privateStart);

        return
        [
            new("append_rate_sqlite_single_encrypted", encrypted, "events/s", single, "the same appends without encryption", null, "sqlite",
                "one event per AppendAsync through the privacy layer (key file master): value key insert (same transaction) + AES-GCM of the value and the actor's name"),
            new("append_rate_sqlite_single", single, "events/s", singleRaw, "raw INSERT, autocommit", "≥ 5,000", "sqlite",
                "one event per AppendAsync: idempotency lookup + version check + insert + marker, one transaction each"),
            new("append_rate_sqlite_batched", batched, "events/s", batchedRaw, $"raw INSERT, {sizes.SqliteBatchSize}/transaction", "≥ 50,000", "sqlite",
                $"AppendManyAsync, {sizes.SqliteBatchSize} single-event appends per transaction, every append checked"),
        ];
    }

    /// <summary>
    /// The real container on a fresh SQLite file: console-style messages through <see cref="ChatBot.HandleAsync"/>
    /// (read-your-writes included), then raw appends timed until the tail has updated the read model row.
    /// </summary>
    public static async Task<List<BenchMetric>> CommandAndLagAsync(BenchSizes sizes, string dir, CancellationToken ct)
    {
        using var host = BuildHost(new Dictionary<string, string?> { ["EVENTBOT_DATA_DIR"] = dir });
        await host.StartAsync(ct);
        try
        {
            var bot = host.Services.GetRequiredService<ChatBot>();
            var rtt = await CommandRttAsync(bot, sizes.CommandsSqlite, warmUp: 50, ct);
            var lag = await ProjectionLagAsync(host.Services, sizes.LagSamplesSqlite, warmUp: 20, pollMs: 5, ct);
            var telemetry = await TelemetryScenario.OnOffAsync(bot, sizes.CommandsSqlite, ct);
            return
            [
                .. telemetry,
                new("command_rtt_console_sqlite_p50", rtt.Samples.PercentileMs(50), "ms", null, null, null, "sqlite", rtt.Note),
                new("command_rtt_console_sqlite_p99", rtt.Samples.PercentileMs(99), "ms", null, null, "≤ 5", "sqlite", rtt.Note),
                new("projection_lag_sqlite_p50", lag.PercentileMs(50), "ms", null, null, null, "sqlite", "append committed → row applied, in-process tail"),
                new("projection_lag_sqlite_p99", lag.PercentileMs(99), "ms", null, null, "≤ 50", "sqlite", "append committed → row applied, in-process tail"),
            ];
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    public static IHost BuildHost(IDictionary<string, string?> environment)
    {
        var builder = BotHost.CreateBuilder(environment);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        return builder.Build();
    }

    /// <summary><c>.remember kN is vN</c> over 100 keys; every reply is checked to be a saved-and-visible one.</summary>
    public static async Task<(Samples Samples, string Note)> CommandRttAsync(ChatBot bot, int count, int warmUp, CancellationToken ct)
    {
        var samples = new Samples();
        var catchingUp = 0;
        for (var i = 0; i < warmUp + count; i++)
        {
            var message = BenchData.Message($".remember k{i % 100} is value {i}");
            var start = Stopwatch.GetTimestamp();
            var reply = await bot.HandleAsync(message, ct);
            var elapsed = Stopwatch.GetTimestamp() - start;
            if (reply is null || !(reply.Text.StartsWith("Remembered", StringComparison.Ordinal) || reply.Text.StartsWith("Updated", StringComparison.Ordinal)))
                throw new InvalidOperationException($"unexpected reply: {reply?.Text}");
            if (reply.Text.Contains("catching up", StringComparison.OrdinalIgnoreCase)) catchingUp++;
            if (i >= warmUp) samples.Add(elapsed);
        }
        return (samples, $".remember k is v, {count} messages after {warmUp} warm-up{(catchingUp > 0 ? $", {catchingUp} replies timed out waiting" : "")}");
    }

    /// <summary>
    /// Appends through the store (as a handler would) and times until the remember-values row has applied it.
    /// <paramref name="maxPauseMs"/> spreads appends over a polling feed's cycle (chat traffic arrives at random
    /// times): back-to-back appends would always land just after a poll and flatter the figure.
    /// </summary>
    public static async Task<Samples> ProjectionLagAsync(IServiceProvider services, int count, int warmUp, int pollMs, CancellationToken ct, int maxPauseMs = 0)
    {
        var random = new Random(42);
        var writer = services.GetRequiredService<IEventWriter>();
        var readYourWrites = new ReadYourWrites(services.GetRequiredService<IViewStore>(), services.GetRequiredService<Generations>(),
            services.GetRequiredService<ProjectionSignals>(), TimeProvider.System)
        {
            Timeout = TimeSpan.FromSeconds(30),
            PollPeriod = TimeSpan.FromMilliseconds(pollMs),
        };
        var codec = services.GetRequiredService<EventCodec>();
        var samples = new Samples();
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        var run = Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < warmUp + count; i++)
        {
            if (maxPauseMs > 0) await Task.Delay(random.Next(maxPauseMs), ct);
            var key = $"lag{run}k{i % 50}";
            var (stream, data) = BenchData.Remember(codec, BenchData.Guild, key, $"value {i}", null);
            versions.TryGetValue(stream.Value, out var expected);
            var result = await writer.AppendAsync(stream, expected, [data], BenchData.Context(BenchData.Guild, BenchData.NewSource()), ct);
            var start = Stopwatch.GetTimestamp();
            if (result is not AppendResult.Appended appended) throw new InvalidOperationException($"append failed: {result}");
            versions[stream.Value] = appended.NextExpectedVersion;
            var row = RememberedValues.RowFor(BenchData.Guild.ToString(), TextRules.Fold(key));
            if (!await readYourWrites.WaitAsync(RememberedValues.ProjectionName, row, stream.Value, appended.NextExpectedVersion, ct))
                throw new TimeoutException($"read model did not apply {stream} v{appended.NextExpectedVersion} within 30 s");
            if (i >= warmUp) samples.Add(Stopwatch.GetTimestamp() - start);
        }
        return samples;
    }

    public static double Rate(long count, long ticks) => count / (ticks / (double)Stopwatch.Frequency);

    /// <summary>
    /// The baseline: the events table's shape (integer stream number, unique (stream_no, version), guild index, no
    /// AUTOINCREMENT), plain prepared INSERTs, nothing else: the stream number comes from a dictionary, not a lookup.
    /// The connection gets the store writer's settings (cache size, auto-checkpoint), so the ratio is the checks' cost.
    /// </summary>
    private sealed class RawSqlite : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _insert;
        private readonly Dictionary<string, long> _streams = new(StringComparer.Ordinal);

        public RawSqlite(SqliteDatabase database)
        {
            database.Execute(SqliteSchema.EventsTable + SqliteSchema.EventsIndexes);
            _connection = database.Open();
            using (var pragma = _connection.CreateCommand())
            {
                pragma.CommandText = SqliteEventStore.WriterPragmas;
                pragma.ExecuteNonQuery();
            }
            _insert = _connection.CreateCommand();
            _insert.CommandText = """
                INSERT INTO events (stream_no, stream_id, version, event_id, type, schema_version, data, guild_id, category, actor_id, actor_name, source, recorded_at)
                VALUES ($0, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                """;
            for (var i = 0; i <= 12; i++) _insert.Parameters.Add(new SqliteParameter($"${i}", null));
            _insert.Prepare();
        }

        public void InsertOne(EventEnvelope e)
        {
            _insert.Transaction = null;
            Bind(e);
            _insert.ExecuteNonQuery();
        }

        public void InsertMany(IEnumerable<EventEnvelope> events)
        {
            using var tx = _connection.BeginTransaction();
            _insert.Transaction = tx;
            foreach (var e in events)
            {
                Bind(e);
                _insert.ExecuteNonQuery();
            }
            tx.Commit();
            _insert.Transaction = null;
        }

        private void Bind(EventEnvelope e)
        {
            if (!_streams.TryGetValue(e.StreamId, out var streamNo)) _streams[e.StreamId] = streamNo = _streams.Count + 1;
            var p = _insert.Parameters;
            p[0].Value = streamNo;
            p[1].Value = e.StreamId;
            p[2].Value = e.Version;
            p[3].Value = e.EventId.ToString();
            p[4].Value = e.Type;
            p[5].Value = e.SchemaVersion;
            p[6].Value = e.Data;
            p[7].Value = e.GuildId;
            p[8].Value = StreamIds.Category(e.StreamId);
            p[9].Value = e.ActorId;
            p[10].Value = e.ActorName;
            p[11].Value = e.Source;
            p[12].Value = e.RecordedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        }

        public void Dispose()
        {
            _insert.Dispose();
            _connection.Dispose();
        }
    }
}
