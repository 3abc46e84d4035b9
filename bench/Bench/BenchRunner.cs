using EventBot.DevTools;
using EventBot.EventStore;
using EventBot.EventStore.Sqlite;
using Microsoft.Data.Sqlite;

namespace EventBot.Bench;

/// <summary>What <c>bench</c> runs: every scenario in turn, each in a temporary directory (and table prefix) of its own.</summary>
public sealed record BenchRun(bool Quick, bool DynamoDb = true, string? DynamoDbUrl = null, IReadOnlySet<string>? Only = null)
{
    public static readonly string[] Scenarios =
        ["append-sqlite", "command-sqlite", "rebuild-sqlite", "memory-steady", "interaction-sqlite", "http-interaction-sqlite",
         "flat-sqlite", "load-sqlite", StartupScenarios.Name,
         "append-dynamodb", "command-dynamodb", "rebuild-dynamodb", "interaction-dynamodb", "http-interaction-dynamodb",
         "flat-dynamodb", "write-dynamodb", "load-dynamodb", StartupScenarios.LambdaName];

    public bool Runs(string scenario) => Only is null || Only.Count == 0 || Only.Contains(scenario);
}

public static class BenchRunner
{
    public static async Task<(List<BenchMetric> Metrics, BenchEnvironment Environment)> RunAsync(BenchRun run, TextWriter progress, CancellationToken ct)
    {
        var sizes = BenchSizes.For(run.Quick);
        var loadAtStart = BenchEnvironment.LoadAverage();
        var root = Path.Combine(Path.GetTempPath(), "eventbot-bench-" + Guid.NewGuid().ToString("N"));
        var metrics = new List<BenchMetric>();
        DynamoDbLocalProcess? dynamo = null;
        try
        {
            async Task Step(string name, Func<string, Task<List<BenchMetric>>> scenario)
            {
                if (!run.Runs(name)) return;
                var dir = Path.Combine(root, name);
                Directory.CreateDirectory(dir);
                var clock = System.Diagnostics.Stopwatch.StartNew();
                await progress.WriteLineAsync($"bench: {name}…");
                metrics.AddRange(await scenario(dir));
                await progress.WriteLineAsync($"bench: {name} done in {clock.Elapsed.TotalSeconds:0.0} s");
                SqliteConnection.ClearAllPools();
            }

            await Step("append-sqlite", dir => SqliteScenarios.AppendRateAsync(sizes, dir, ct));
            await Step("command-sqlite", dir => SqliteScenarios.CommandAndLagAsync(sizes, dir, ct));
            await Step("rebuild-sqlite", async dir =>
            {
                using (var store = new SqliteEventStore(new SqliteDatabase(Path.Combine(dir, "eventbot.db")), TimeProvider.System))
                    await BenchData.SeedSqliteAsync(store, EventCodec.Default, sizes.RebuildEvents, ct);
                SqliteConnection.ClearAllPools();
                return await ChildScenarios.InChildAsync(ChildScenarios.RebuildSqlite, dir, sizes.RebuildEvents, ct);
            });
            await Step("memory-steady", dir => ChildScenarios.InChildAsync(ChildScenarios.MemorySteady, dir, sizes.SteadyCommands, ct));
            await Step("interaction-sqlite", dir => InteractionScenarios.SqliteAsync(run.Quick, dir, ct));
            await Step("http-interaction-sqlite", dir => HttpInteractionScenarios.ColdAndWarmAsync(sizes, dir, null, ct));
            await Step("flat-sqlite", dir => FlatScenarios.SqliteAsync(run.Quick, dir, ct));
            await Step("load-sqlite", dir => LoadScenarios.SqliteAsync(sizes, dir, ct));
            await Step(StartupScenarios.Name, dir => StartupScenarios.OneShotAsync(sizes, dir, ct));

            if (run.DynamoDb && BenchRun.Scenarios.Where(n => n.EndsWith("-dynamodb", StringComparison.Ordinal) || n == StartupScenarios.LambdaName).Any(run.Runs))
            {
                dynamo = await DynamoDbLocalProcess.StartAsync(run.DynamoDbUrl, "pass --dynamodb-url, or use --no-dynamodb", ct);
                UseForAws(dynamo.Url);
                var prefix = $"bench{Guid.NewGuid():N}"[..17];
                // Latency first, bulk last: DynamoDB Local slows down about tenfold per call once it has served much
                // (docs/performance.md, "Why the DynamoDB projector lagged under load"), so the round trips are measured first.
                await Step("append-dynamodb", dir => DynamoDbScenarios.AppendRatioAsync(sizes, dir, prefix + "-a-", ct));
                await Step("command-dynamodb", dir => DynamoDbScenarios.CommandAndLagAsync(sizes, dir, prefix + "-c-", ct));
                await Step("write-dynamodb", dir => FlatScenarios.WritesDynamoDbAsync(run.Quick, dir, prefix + "-w-", ct));
                await Step("interaction-dynamodb", dir => InteractionScenarios.DynamoDbAsync(run.Quick, dir, DynamoDbScenarios.Environment(dir, prefix + "-i-", projector: true), ct));
                await Step("http-interaction-dynamodb", dir => HttpInteractionScenarios.ColdAndWarmAsync(sizes, dir, prefix + "-h-", ct));
                // Each bulk scenario gets an instance of its own when the bench started it (not an external --dynamodb-url):
                // on the instance that had served the 50,000-event rebuild, seeding flat-dynamodb's 10,000-event streams took
                // 23 min instead of a few, and the sustained load held 71/s after the round trips above where a fresh
                // instance holds 150/s (--quick). Each compares against raw calls taken in its own step, on its own instance.
                async Task FreshInstance(string scenario)
                {
                    if (!run.Runs(scenario) || !dynamo.StartedLocally) return;
                    dynamo.Dispose();
                    dynamo = await DynamoDbLocalProcess.StartAsync(null, "pass --dynamodb-url, or use --no-dynamodb", ct);
                    UseForAws(dynamo.Url);
                }

                await FreshInstance("load-dynamodb");
                await Step("load-dynamodb", dir => LoadScenarios.DynamoDbAsync(sizes, dir, prefix + "-l-", ct));
                await FreshInstance("rebuild-dynamodb");
                await Step("rebuild-dynamodb", dir => DynamoDbScenarios.RebuildRatioAsync(sizes, dir, prefix + "-r-", ct));
                await FreshInstance("flat-dynamodb");
                await Step("flat-dynamodb", dir => FlatScenarios.DynamoDbAsync(run.Quick, dir, prefix + "-f-", ct));
                await Step(StartupScenarios.LambdaName, dir => StartupScenarios.LambdaColdAsync(sizes, dir, ct));
            }
        }
        finally
        {
            dynamo?.Dispose();
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        var environment = BenchEnvironment.Capture(run.Quick, dynamo?.Version) with { LoadAtStart = loadAtStart, LoadAtEnd = BenchEnvironment.LoadAverage() };
        return (metrics, environment);
    }

    /// <summary>Points the AWS SDK's standard chain (which the scenarios' clients and the bot read) at DynamoDB Local, with dummy credentials.</summary>
    private static void UseForAws(Uri url)
    {
        System.Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL", url.ToString().TrimEnd('/'));
        System.Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "bench");
        System.Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "bench");
        System.Environment.SetEnvironmentVariable("AWS_REGION", "us-east-1");
    }
}
