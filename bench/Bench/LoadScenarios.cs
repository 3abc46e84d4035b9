using System.Diagnostics;
using System.Globalization;
using EventBot.Bot.Chat;
using EventBot.Bot.Hosting;
using EventBot.Domain.Common;
using EventBot.EventStore;
using EventBot.Projections.Core;
using EventBot.Projections.Remember;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EventBot.Bench;

/// <summary>
/// Sustained load (issue 19): the bot's own composition, projector running (SQLite tail or Streams poller), driven by
/// 50 servers × 5 users at a fixed arrival rate, an open model: each message is sent at its scheduled time whatever
/// the earlier ones are doing, through the same <see cref="GuildLanes"/> the Discord adapter uses (servers in
/// parallel, each server's messages in order), and its reply time counts from that scheduled time, so a stall shows
/// in every message that waited behind it (no coordinated omission).
/// </summary>
public static class LoadScenarios
{
    private const int Guilds = 50;
    private const int UsersPerGuild = 5;
    private const int KeysPerGuild = 20;

    /// <summary>One rate's figures.</summary>
    public sealed record LoadResult(int Rate, TimeSpan Duration, int Sent, double AchievedRate, Samples Replies, Samples Lag, long Lost, long Events,
        int Writes, int Errors, int CatchingUp)
    {
        public double P50 => Replies.PercentileMs(50);

        public double P99 => Replies.PercentileMs(99);
    }

    public static Task<List<BenchMetric>> SqliteAsync(BenchSizes sizes, string dir, CancellationToken ct) =>
        RunAsync("sqlite", new Dictionary<string, string?> { ["EVENTBOT_DATA_DIR"] = dir }, sizes.LoadSqliteRates, sizes, 100, probeMs: 5, ct);

    public static Task<List<BenchMetric>> DynamoDbAsync(BenchSizes sizes, string dir, string prefix, CancellationToken ct) =>
        RunAsync("dynamodb", new Dictionary<string, string?>
        {
            ["EVENTBOT_STORE"] = "dynamodb",
            ["EVENTBOT_CREATE_TABLES"] = "true",
            ["EVENTBOT_TABLE_PREFIX"] = prefix,
            ["EVENTBOT_PROJECTOR"] = "inprocess",
            ["EVENTBOT_DATA_DIR"] = dir,
        }, sizes.LoadDynamoRates, sizes, 1_000, probeMs: 20, ct);

    private static async Task<List<BenchMetric>> RunAsync(string store, Dictionary<string, string?> environment, int[] rates, BenchSizes sizes,
        double p99Target, int probeMs, CancellationToken ct)
    {
        using var host = SqliteScenarios.BuildHost(environment);
        await host.StartAsync(ct);
        try
        {
            var services = host.Services;
            var parallel = services.GetRequiredService<IOptions<BotOptions>>().Value.ParallelGuilds;
            var metrics = new List<BenchMetric>();
            var tried = new SortedDictionary<int, LoadResult>();
            // Warm-up: JIT, connections, every server's first stream.
            await RunRateAsync(services, store, rates[0], sizes.LoadWarmUp, probeMs, ct);
            foreach (var rate in rates)
            {
                var result = await RunRateAsync(services, store, rate, sizes.LoadDuration, probeMs, ct);
                tried[rate] = result;
                var note = Note(result, parallel);
                var name = $"load_{store}_{rate}";
                metrics.Add(new($"{name}_p50", result.P50, "ms", null, null, null, store, note));
                metrics.Add(new($"{name}_p99", result.P99, "ms", null, null, null, store, note));
                metrics.Add(new($"{name}_lag_p99", result.Lag.PercentileMs(99), "ms", null, null, null, store,
                    $"append → row applied by the projector, a probe every {probeMs * 10}-{probeMs * 30} ms during the run ({result.Lag.Count} samples)"));
                metrics.Add(new($"{name}_lost", result.Lost, "events", null, null, "0", store,
                    $"of {result.Events:N0} events in the store after the run, those whose rows had not applied them once the projector had caught up (30 s bound)"));
            }

            // The highest rate held (p99 within the target, nothing lost, no error replies): a short step search,
            // bisecting between the highest rate held and the lowest that was not (×1.5 up while nothing failed above,
            // halving down while nothing held), until they are within 15 %.
            for (var attempt = 0; attempt < sizes.LoadSearchSteps; attempt++)
            {
                var best = tried.Where(t => Holds(t.Value, p99Target)).Select(t => t.Key).DefaultIfEmpty(0).Max();
                var failed = tried.Where(t => t.Key > best && !Holds(t.Value, p99Target)).Select(t => t.Key).DefaultIfEmpty(0).Min();
                int next;
                if (best == 0) next = Math.Max(1, failed / 2);
                else if (failed == 0) next = (int)(best * 1.5);
                else next = (best + failed) / 2;
                if (tried.ContainsKey(next) || (best > 0 && failed > 0 && failed - best <= best * 0.15)) break;
                tried[next] = await RunRateAsync(services, store, next, sizes.LoadSearchDuration, probeMs, ct);
            }
            var held = tried.Where(t => Holds(t.Value, p99Target)).Select(t => t.Key).DefaultIfEmpty(0).Max();
            var steps = string.Join(", ", tried.Select(t => $"{t.Key}/s p99 {t.Value.P99:0.#} ms{(t.Value.Lost > 0 ? $" lost {t.Value.Lost}" : "")}"));
            metrics.Add(new($"load_{store}_max_rate", held > 0 ? held : tried.Keys.Min(), "commands/s", null, null, $"p99 ≤ {p99Target:N0} ms", store,
                (held > 0 ? "" : "NOT held at any rate tried; value is the lowest tried. ") +
                $"highest arrival rate tried whose reply p99 stayed within {p99Target:N0} ms with nothing lost ({sizes.LoadSearchDuration.TotalSeconds:0} s steps beyond the fixed rates); tried: {steps}"));
            return metrics;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    private static bool Holds(LoadResult r, double p99Target) => r.P99 <= p99Target && r.Lost == 0 && r.Errors == 0;

    private static string Note(LoadResult r, int parallel) =>
        $"{Guilds} servers × {UsersPerGuild} users, 70 % reads / 30 % writes, {r.Rate}/s for {r.Duration.TotalSeconds:0} s (open model, " +
        $"{r.AchievedRate:0.#}/s sent), reply time from the scheduled send; {parallel} servers at once (EVENTBOT_PARALLEL_GUILDS), " +
        $"{r.Writes:N0} writes{(r.CatchingUp > 0 ? $", {r.CatchingUp} write replies timed out waiting for the projector" : "")}" +
        $"{(r.Errors > 0 ? $", {r.Errors} error replies" : "")}";

    /// <summary>The message a user of server <paramref name="guild"/> sends as the <paramref name="i"/>-th of the run.</summary>
    private static (string Content, bool Write) Workload(Random random, int guild)
    {
        var key = $"key{random.Next(KeysPerGuild)}";
        var roll = random.Next(100);
        return roll switch
        {
            < 25 => ($".remember {key} is value {random.Next(1_000_000)} of server {guild}", true),
            < 30 => (".play coin heads", true),
            < 80 => ($".remember {key}", false),
            < 90 => (".remember search key1", false),
            _ => (".play stats", false),
        };
    }

    private static async Task<LoadResult> RunRateAsync(IServiceProvider services, string store, int rate, TimeSpan duration, int probeMs, CancellationToken ct)
    {
        var bot = services.GetRequiredService<ChatBot>();
        var parallel = services.GetRequiredService<IOptions<BotOptions>>().Value.ParallelGuilds;
        using var lanes = new GuildLanes(parallel, capacity: int.MaxValue / 2);
        var random = new Random(rate);
        var total = (int)(rate * duration.TotalSeconds);
        var replies = new long[total];
        var writes = 0;
        var errors = 0;
        var catchingUp = 0;
        using var stopProbe = new CancellationTokenSource();
        var lag = new Samples();
        var probe = ProbeLagAsync(services, lag, probeMs, stopProbe.Token);

        var start = Stopwatch.GetTimestamp();
        var ticksPerMessage = Stopwatch.Frequency / (double)rate;
        for (var i = 0; i < total; i++)
        {
            var due = start + (long)(i * ticksPerMessage);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait, ct);
            var guild = random.Next(Guilds);
            var user = random.Next(UsersPerGuild);
            var (content, write) = Workload(random, guild);
            if (write) writes++;
            var message = new ChatMessage(Guid.CreateVersion7().ToString("N"), GuildId.FromName($"load{guild}"),
                new ChatUser(UserId.FromName($"load{guild}u{user}"), $"user{user}"), content, []);
            var index = i;
            // Not awaited beyond queueing: the next message goes at its own time whatever this one does.
            _ = lanes.EnqueueAsync(message.Guild!.Value.ToString(), async () =>
            {
                var reply = await bot.HandleAsync(message, ct);
                replies[index] = Stopwatch.GetTimestamp() - due;
                if (reply is null || reply.Text.StartsWith("⚠️", StringComparison.Ordinal)) Interlocked.Increment(ref errors);
                else if (reply.Text.Contains("catching up", StringComparison.OrdinalIgnoreCase)) Interlocked.Increment(ref catchingUp);
            }, ct);
        }
        var sending = Stopwatch.GetElapsedTime(start);
        await lanes.DrainAsync();
        await stopProbe.CancelAsync();
        await probe;

        var (lost, events) = await LostAsync(services, ct);
        var samples = new Samples();
        foreach (var r in replies) samples.Add(r);
        return new LoadResult(rate, duration, total, total / sending.TotalSeconds, samples, lag, lost, events, writes, errors, catchingUp);
    }

    /// <summary>Appends to a probe stream now and then and times until the projector has applied it (as projection_lag_* do).</summary>
    private static async Task ProbeLagAsync(IServiceProvider services, Samples lag, int probeMs, CancellationToken stop)
    {
        var writer = services.GetRequiredService<IEventWriter>();
        var codec = services.GetRequiredService<EventCodec>();
        var wait = new ReadYourWrites(services.GetRequiredService<IViewStore>(), services.GetRequiredService<Generations>(),
            services.GetRequiredService<ProjectionSignals>(), TimeProvider.System)
        {
            Timeout = TimeSpan.FromSeconds(30),
            PollPeriod = TimeSpan.FromMilliseconds(probeMs),
        };
        var random = new Random(7);
        var key = $"probe{Guid.NewGuid():N}"[..13];
        var (stream, _) = BenchData.Remember(codec, BenchData.Guild, key, "x", null);
        var version = 0L;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(probeMs * random.Next(10, 30), stop);
                var data = BenchData.Remember(codec, BenchData.Guild, key, $"probe {version}", null).Event;
                var result = await writer.AppendAsync(stream, version, [data], BenchData.Context(BenchData.Guild, BenchData.NewSource()), CancellationToken.None);
                var appended = Stopwatch.GetTimestamp();
                if (result is not AppendResult.Appended a) throw new InvalidOperationException($"probe append failed: {result}");
                version = a.NextExpectedVersion;
                var row = RememberedValues.RowFor(BenchData.Guild.ToString(), TextRules.Fold(key));
                if (await wait.WaitAsync(RememberedValues.ProjectionName, row, stream.Value, version, CancellationToken.None))
                    lag.Add(Stopwatch.GetTimestamp() - appended);
                else
                    lag.Add(Stopwatch.Frequency * 30);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Every event in the store against the rows it routes to (<see cref="ProjectionRoutes"/>, the projector's own
    /// routing): an event is lost when one of its rows has not applied its version. Rows still behind are read again
    /// for up to 30 s while the projector catches up, so only events that never arrive count.
    /// </summary>
    private static async Task<(long Lost, long Events)> LostAsync(IServiceProvider services, CancellationToken ct)
    {
        var reader = services.GetRequiredService<IEventReader>();
        var views = services.GetRequiredService<IViewStore>();
        var generations = services.GetRequiredService<Generations>();
        var routes = new ProjectionRoutes(services.GetServices<IProjection>(), services.GetRequiredService<EventCodec>());
        var events = new List<EventEnvelope>();
        await foreach (var e in reader.ReadAllAsync(ct)) events.Add(e);
        // Per row, the events it must have applied.
        var behind = routes.RowsTouchedBy(events).GroupBy(p => (p.Projection, p.Row)).ToDictionary(g => g.Key, g => g.ToList());
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 30;
        while (true)
        {
            foreach (var ((projection, logical), pending) in behind.ToList())
            {
                var generation = await generations.ActiveAsync(projection, ct);
                var row = await views.GetAsync(new ViewKey(Generations.PhysicalPartition(projection, generation, logical.Partition), logical.Sort), ct);
                pending.RemoveAll(p => (row?.AppliedVersion(p.StreamId) ?? 0) >= p.Version);
                if (pending.Count == 0) behind.Remove((projection, logical));
            }
            if (behind.Count == 0 || Stopwatch.GetTimestamp() > deadline) break;
            await Task.Delay(200, ct);
        }
        return (behind.Values.SelectMany(p => p).Select(p => (p.StreamId, p.Version)).Distinct().LongCount(), events.Count);
    }

    public static string Rates(int[] rates) => string.Join(", ", rates.Select(r => r.ToString(CultureInfo.InvariantCulture)));
}
