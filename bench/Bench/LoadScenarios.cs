using System.Diagnostics;
using System.Globalization;
using Amazon.DynamoDBv2;
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
        /// <summary>Why the rate was stopped before its duration (it cannot be held), or null when it ran to the end.</summary>
        public string? Stopped { get; init; }

        /// <summary>How long messages were sent at the rate (the duration, or less when stopped early).</summary>
        public TimeSpan Ran { get; init; }

        /// <summary>Messages sent but not answered within the drain bound (their reply time counts as the time waited so far).</summary>
        public int Unanswered { get; init; }

        /// <summary>How long the sent messages took to be answered after the last was sent.</summary>
        public TimeSpan Drain { get; init; }

        /// <summary>False when rows were still behind at the end of the lost check's bound: <see cref="Lost"/> is then an upper bound.</summary>
        public bool LostVerified { get; init; } = true;

        /// <summary>DynamoDB calls made from the first send until every reply was in (null on SQLite), by operation.</summary>
        public IReadOnlyDictionary<string, long>? Calls { get; init; }

        /// <summary>DynamoDB calls per second from the first send until every reply was in.</summary>
        public double CallsPerSecond => Calls is null ? 0 : Calls.Values.Sum() / (Ran + Drain).TotalSeconds;

        /// <summary>DynamoDB calls per message sent.</summary>
        public double CallsPerCommand => Calls is null || Sent == 0 ? 0 : Calls.Values.Sum() / (double)Sent;

        public double P50 => Replies.PercentileMs(50);

        public double P99 => Replies.PercentileMs(99);
    }

    /// <summary>
    /// What bounds one store's runs. A rate stops early, as not held, once more than 1 % of its planned messages have
    /// waited longer than <see cref="P99TargetMs"/> (answered late, or still unanswered: p99 can no longer be within the
    /// target whatever comes next), or once the projector's probe has waited longer than <see cref="MaxLag"/>. The
    /// messages sent get <see cref="Drain"/> to be answered (then the rest is cancelled and counted with the time it
    /// waited), and the projector <see cref="CatchUp"/> to apply every event before the lost check gives up.
    /// </summary>
    public sealed record LoadBounds(double P99TargetMs, TimeSpan MaxLag, TimeSpan Drain, TimeSpan CatchUp);

    public static Task<List<BenchMetric>> SqliteAsync(BenchSizes sizes, string dir, CancellationToken ct) =>
        RunAsync("sqlite", new Dictionary<string, string?> { ["EVENTBOT_DATA_DIR"] = dir }, sizes.LoadSqliteRates, sizes,
            new LoadBounds(100, MaxLag: TimeSpan.FromSeconds(5), Drain: TimeSpan.FromSeconds(15), CatchUp: TimeSpan.FromSeconds(30)), probeMs: 5, ct);

    public static Task<List<BenchMetric>> DynamoDbAsync(BenchSizes sizes, string dir, string prefix, CancellationToken ct) =>
        RunAsync("dynamodb", new Dictionary<string, string?>
        {
            ["EVENTBOT_STORE"] = "dynamodb",
            ["EVENTBOT_CREATE_TABLES"] = "true",
            ["EVENTBOT_TABLE_PREFIX"] = prefix,
            ["EVENTBOT_PROJECTOR"] = "inprocess",
            ["EVENTBOT_DATA_DIR"] = dir,
        }, sizes.LoadDynamoRates, sizes,
            new LoadBounds(1_000, MaxLag: TimeSpan.FromSeconds(15), Drain: TimeSpan.FromSeconds(30), CatchUp: TimeSpan.FromSeconds(60)), probeMs: 20, ct);

    private static async Task<List<BenchMetric>> RunAsync(string store, Dictionary<string, string?> environment, int[] rates, BenchSizes sizes,
        LoadBounds bounds, int probeMs, CancellationToken ct)
    {
        var p99Target = bounds.P99TargetMs;
        var clock = Stopwatch.StartNew();
        using var host = SqliteScenarios.BuildHost(environment);
        await host.StartAsync(ct);
        try
        {
            var services = host.Services;
            var parallel = services.GetRequiredService<IOptions<BotOptions>>().Value.ParallelGuilds;
            var metrics = new List<BenchMetric>();
            var tried = new SortedDictionary<int, LoadResult>();
            using var counter = store == "dynamodb" ? new DynamoDbCallCounter(services.GetRequiredService<IAmazonDynamoDB>()) : null;
            // Warm-up: JIT, connections, every server's first stream.
            await RunRateAsync(services, rates[0], sizes.LoadWarmUp, probeMs, bounds, counter, ct);
            if (counter is not null)
            {
                // The raw baseline: what this DynamoDB Local serves on its own, with as many callers as the bot has servers at once.
                var raw = await DynamoDbCallCounter.RawCallsPerSecondAsync(services.GetRequiredService<IAmazonDynamoDB>(),
                    environment["EVENTBOT_TABLE_PREFIX"] + "rawcalls", parallel, sizes.LoadWarmUp * 2, ct);
                metrics.Add(new("load_dynamodb_raw_calls_per_s", raw, "calls/s", null, null, null, store,
                    $"raw baseline: PutItem + consistent GetItem of a small item from {parallel} callers for {(sizes.LoadWarmUp * 2).TotalSeconds:0} s, " +
                    "on the same DynamoDB Local, before the runs (what it serves with nothing of ours in the way)"));
            }
            foreach (var rate in rates)
            {
                var result = await RunRateAsync(services, rate, sizes.LoadDuration, probeMs, bounds, counter, ct);
                tried[rate] = result;
                var note = Note(result, parallel);
                var name = $"load_{store}_{rate}";
                metrics.Add(new($"{name}_p50", result.P50, "ms", null, null, null, store, note));
                metrics.Add(new($"{name}_p99", result.P99, "ms", null, null, null, store, note));
                metrics.Add(new($"{name}_lag_p99", result.Lag.PercentileMs(99), "ms", null, null, null, store,
                    $"append → row applied by the projector, a probe every {probeMs * 10}-{probeMs * 30} ms during the run ({result.Lag.Count} samples)"));
                metrics.Add(new($"{name}_lost", result.Lost, "events", null, null, "0", store,
                    $"of {result.Events:N0} events in the store after the run, those whose rows had not applied them once the projector had caught up " +
                    $"({bounds.CatchUp.TotalSeconds:0} s bound{(result.LostVerified ? ", all caught up" : ": NOT all caught up, so an upper bound")})"));
                metrics.Add(new($"{name}_run_s", result.Ran.TotalSeconds, "s", null, null, $"= {sizes.LoadDuration.TotalSeconds:0} (held)", store,
                    (result.Stopped is null
                        ? $"ran its full {sizes.LoadDuration.TotalSeconds:0} s; drained in {result.Drain.TotalSeconds:0.0} s"
                        : $"NOT held: stopped after {result.Ran.TotalSeconds:0.0} s of {sizes.LoadDuration.TotalSeconds:0} s because {result.Stopped}; " +
                          $"the figures above are of the {result.Sent:N0} messages sent by then (drained in {result.Drain.TotalSeconds:0.0} s" +
                          $"{(result.Unanswered > 0 ? $", {result.Unanswered:N0} unanswered after the {bounds.Drain.TotalSeconds:0} s drain bound, counted with the time they waited" : "")})") +
                    (result.Calls is null ? "" : string.Create(CultureInfo.InvariantCulture,
                        $"; DynamoDB calls {result.CallsPerSecond:0}/s ({DynamoDbCallCounter.PerCommand(result.Calls, result.Sent)})"))));
            }
            if (tried.Values.FirstOrDefault() is { Calls: { } calls } first)
            {
                metrics.Add(new("load_dynamodb_calls_per_command", first.CallsPerCommand, "calls", null, null, null, store,
                    $"at {first.Rate}/s: {DynamoDbCallCounter.PerCommand(calls, first.Sent)} (commands, projector rows, lag probe; Streams reads not counted); " +
                    string.Create(CultureInfo.InvariantCulture, $"{first.CallsPerSecond:0} calls/s during the run; ") +
                    string.Join("; ", tried.Values.Skip(1).Select(r =>
                        string.Create(CultureInfo.InvariantCulture, $"at {r.Rate}/s: {r.CallsPerCommand:0.##} per command, {r.CallsPerSecond:0} calls/s")))));
            }

            // The highest rate held (p99 within the target, nothing lost, no error replies): a short step search,
            // bisecting between the highest rate held and the lowest that was not (×1.5 up while nothing failed above,
            // halving down while nothing held), until they are within 15 %.
            // Bounded in time too: no step starts once the store's runs have taken their budget.
            for (var attempt = 0; attempt < sizes.LoadSearchSteps && clock.Elapsed < sizes.LoadBudget; attempt++)
            {
                var best = tried.Where(t => Holds(t.Value, p99Target)).Select(t => t.Key).DefaultIfEmpty(0).Max();
                var failed = tried.Where(t => t.Key > best && !Holds(t.Value, p99Target)).Select(t => t.Key).DefaultIfEmpty(0).Min();
                int next;
                if (best == 0) next = Math.Max(1, failed / 2);
                else if (failed == 0) next = (int)(best * 1.5);
                else next = (best + failed) / 2;
                if (tried.ContainsKey(next) || (best > 0 && failed > 0 && failed - best <= best * 0.15)) break;
                tried[next] = await RunRateAsync(services, next, sizes.LoadSearchDuration, probeMs, bounds, counter, ct);
            }
            var held = tried.Where(t => Holds(t.Value, p99Target)).Select(t => t.Key).DefaultIfEmpty(0).Max();
            var steps = string.Join(", ", tried.Select(t => $"{t.Key}/s p99 {t.Value.P99:0.#} ms{(t.Value.Lost > 0 ? $" lost {t.Value.Lost}" : "")}" +
                $"{(t.Value.Stopped is null ? "" : $" (stopped after {t.Value.Ran.TotalSeconds:0.0} s)")}"));
            metrics.Add(new($"load_{store}_max_rate", held > 0 ? held : tried.Keys.Min(), "commands/s", null, null, $"p99 ≤ {p99Target:N0} ms", store,
                (held > 0 ? "" : "NOT held at any rate tried; value is the lowest tried. ") +
                $"highest arrival rate tried whose reply p99 stayed within {p99Target:N0} ms with nothing lost ({sizes.LoadSearchDuration.TotalSeconds:0} s steps beyond the fixed rates, " +
                $"no step started after {sizes.LoadBudget.TotalMinutes:0.#} min; this store's runs took {clock.Elapsed.TotalSeconds:0} s); tried: {steps}"));
            return metrics;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    private static bool Holds(LoadResult r, double p99Target) =>
        r.Stopped is null && r.Unanswered == 0 && r.P99 <= p99Target && r.Lost == 0 && r.LostVerified && r.Errors == 0;

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

    private static async Task<LoadResult> RunRateAsync(IServiceProvider services, int rate, TimeSpan duration, int probeMs, LoadBounds bounds,
        DynamoDbCallCounter? counter, CancellationToken ct)
    {
        var bot = services.GetRequiredService<ChatBot>();
        var parallel = services.GetRequiredService<IOptions<BotOptions>>().Value.ParallelGuilds;
        // The bench's own queue is unbounded on purpose (an open model: arrivals never wait for room); the early stop
        // below is what bounds it.
        using var lanes = new GuildLanes(parallel, capacity: int.MaxValue / 2);
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var random = new Random(rate);
        var total = (int)(rate * duration.TotalSeconds);
        var dueAt = new long[total];
        var replies = new long[total]; // 0: not answered (yet)
        var writes = 0;
        var errors = 0;
        var catchingUp = 0;
        var lateAnswers = 0;
        var targetTicks = (long)(bounds.P99TargetMs * Stopwatch.Frequency / 1000);
        // p99 (rank ⌈0.99 n⌉) stays within the target only while at most this many of the n planned messages exceed it.
        var allowedLate = total - (int)Math.Ceiling(0.99 * total);
        using var stopProbe = new CancellationTokenSource();
        var lag = new Samples();
        var probing = new ProbeState();
        var probe = ProbeLagAsync(services, lag, probeMs, probing, stopProbe.Token);

        var callsBefore = counter?.Snapshot();
        var start = Stopwatch.GetTimestamp();
        var ticksPerMessage = Stopwatch.Frequency / (double)rate;
        var checkEvery = Math.Max(1, rate / 10); // about ten checks a second
        var oldestUnanswered = 0;
        string? stopped = null;
        var sent = 0;
        for (var i = 0; i < total; i++)
        {
            var due = start + (long)(i * ticksPerMessage);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait, ct);
            if (i % checkEvery == 0 && i > 0 && (stopped = CannotHold()) is not null) break;
            var guild = random.Next(Guilds);
            var user = random.Next(UsersPerGuild);
            var (content, write) = Workload(random, guild);
            if (write) writes++;
            var message = new ChatMessage(Guid.CreateVersion7().ToString("N"), GuildId.FromName($"load{guild}"),
                new ChatUser(UserId.FromName($"load{guild}u{user}"), $"user{user}"), content, []);
            var index = i;
            dueAt[i] = due;
            sent = i + 1;
            // Not awaited beyond queueing: the next message goes at its own time whatever this one does.
            _ = lanes.EnqueueAsync(message.Guild!.Value.ToString(), async () =>
            {
                var reply = await bot.HandleAsync(message, abandon.Token);
                var took = Stopwatch.GetTimestamp() - due;
                if (took > targetTicks) Interlocked.Increment(ref lateAnswers);
                Volatile.Write(ref replies[index], took);
                if (reply is null || reply.Text.StartsWith("⚠️", StringComparison.Ordinal)) Interlocked.Increment(ref errors);
                else if (reply.Text.Contains("catching up", StringComparison.OrdinalIgnoreCase)) Interlocked.Increment(ref catchingUp);
            }, ct);
        }
        var ran = Stopwatch.GetElapsedTime(start);

        // The messages sent get a bounded time to be answered; what is left then is cancelled.
        var draining = Stopwatch.StartNew();
        var drain = lanes.DrainAsync();
        if (await Task.WhenAny(drain, Task.Delay(bounds.Drain, ct)) != drain)
        {
            stopped ??= $"the messages sent were not all answered within {bounds.Drain.TotalSeconds:0} s of the last";
            await abandon.CancelAsync();
            await Task.WhenAny(drain, Task.Delay(TimeSpan.FromSeconds(30), ct));
        }
        var drained = draining.Elapsed;
        var ended = Stopwatch.GetTimestamp();
        var calls = counter is null ? null : DynamoDbCallCounter.Between(callsBefore!, counter.Snapshot());
        await stopProbe.CancelAsync();
        await probe;

        var (lost, events, verified) = await LostAsync(services, bounds.CatchUp, ct);
        var samples = new Samples();
        var unanswered = 0;
        for (var i = 0; i < sent; i++)
        {
            var took = Volatile.Read(ref replies[i]);
            if (took == 0)
            {
                unanswered++;
                took = ended - dueAt[i]; // at least this long: counted, never left out
            }
            samples.Add(took);
        }
        return new LoadResult(rate, duration, sent, sent / ran.TotalSeconds, samples, lag, lost, events, writes, errors, catchingUp)
        {
            Stopped = stopped,
            Ran = ran,
            Unanswered = unanswered,
            Drain = drained,
            LostVerified = verified,
            Calls = calls,
        };

        // Why this rate cannot be held any more, or null while it still can.
        string? CannotHold()
        {
            var now = Stopwatch.GetTimestamp();
            while (oldestUnanswered < sent && Volatile.Read(ref replies[oldestUnanswered]) != 0) oldestUnanswered++;
            var waitingLong = 0;
            for (var j = oldestUnanswered; j < sent && now - dueAt[j] > targetTicks; j++)
                if (Volatile.Read(ref replies[j]) == 0) waitingLong++;
            var late = Volatile.Read(ref lateAnswers) + waitingLong;
            if (late > allowedLate)
                return $"{late:N0} messages (more than 1 % of the {total:N0} planned) had waited over {bounds.P99TargetMs:N0} ms ({waitingLong:N0} of them still unanswered)";
            var probeWaiting = probing.Waiting;
            if (probeWaiting > bounds.MaxLag)
                return $"the projector was {probeWaiting.TotalSeconds:0.0} s behind (bound {bounds.MaxLag.TotalSeconds:0} s)";
            return null;
        }
    }

    /// <summary>When the lag probe's current append was made, while it waits for the projector.</summary>
    private sealed class ProbeState
    {
        private long _since;

        public void Start() => Volatile.Write(ref _since, Stopwatch.GetTimestamp());

        public void Stop() => Volatile.Write(ref _since, 0);

        public TimeSpan Waiting => Volatile.Read(ref _since) is var since and > 0 ? Stopwatch.GetElapsedTime(since) : TimeSpan.Zero;
    }

    /// <summary>Appends to a probe stream now and then and times until the projector has applied it (as projection_lag_* do).</summary>
    private static async Task ProbeLagAsync(IServiceProvider services, Samples lag, int probeMs, ProbeState probing, CancellationToken stop)
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
                probing.Start();
                if (result is not AppendResult.Appended a) throw new InvalidOperationException($"probe append failed: {result}");
                version = a.NextExpectedVersion;
                var row = RememberedValues.RowFor(BenchData.Guild.ToString(), TextRules.Fold(key));
                try
                {
                    // Stopped with the run: a probe still waiting then counts the time it waited (a lower bound).
                    var applied = await wait.WaitAsync(RememberedValues.ProjectionName, row, stream.Value, version, stop);
                    lag.Add(applied ? Stopwatch.GetTimestamp() - appended : Stopwatch.Frequency * 30);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    lag.Add(Stopwatch.GetTimestamp() - appended);
                    throw;
                }
                finally
                {
                    probing.Stop();
                }
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
    private static async Task<(long Lost, long Events, bool Verified)> LostAsync(IServiceProvider services, TimeSpan bound, CancellationToken ct)
    {
        var reader = services.GetRequiredService<IEventReader>();
        var views = services.GetRequiredService<IViewStore>();
        var generations = services.GetRequiredService<Generations>();
        var routes = new ProjectionRoutes(services.GetServices<IProjection>(), services.GetRequiredService<EventCodec>());
        var events = new List<EventEnvelope>();
        await foreach (var e in reader.ReadAllAsync(ct)) events.Add(e);
        // Per row, the events it must have applied.
        var behind = routes.RowsTouchedBy(events).GroupBy(p => (p.Projection, p.Row)).ToDictionary(g => g.Key, g => g.ToList());
        var deadline = Stopwatch.GetTimestamp() + (long)(Stopwatch.Frequency * bound.TotalSeconds);
        while (true)
        {
            // Eight reads at a time (thousands of rows on DynamoDB: one after the other took most of the bound).
            var caughtUp = new System.Collections.Concurrent.ConcurrentBag<(string, ViewKey)>();
            await Parallel.ForEachAsync(behind.ToList(), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (entry, token) =>
            {
                var ((projection, logical), pending) = entry;
                var generation = await generations.ActiveAsync(projection, token);
                var row = await views.GetAsync(new ViewKey(Generations.PhysicalPartition(projection, generation, logical.Partition), logical.Sort), token);
                pending.RemoveAll(p => (row?.AppliedVersion(p.StreamId) ?? 0) >= p.Version);
                if (pending.Count == 0) caughtUp.Add((projection, logical));
            });
            foreach (var key in caughtUp) behind.Remove(key);
            if (behind.Count == 0 || Stopwatch.GetTimestamp() > deadline) break;
            await Task.Delay(200, ct);
        }
        return (behind.Values.SelectMany(p => p).Select(p => (p.StreamId, p.Version)).Distinct().LongCount(), events.Count, behind.Count == 0);
    }

    public static string Rates(int[] rates) => string.Join(", ", rates.Select(r => r.ToString(CultureInfo.InvariantCulture)));
}
