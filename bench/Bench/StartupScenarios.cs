using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventBot.EventStore;
using EventBot.EventStore.DynamoDb;

namespace EventBot.Bench;

/// <summary>
/// Start-up (issue 19): a one-shot console command in a fresh process (process start → reply → exit) and a Lambda
/// cold start (a fresh process that loads the projector handler the way the runtime does, by its handler string from
/// its folder, and applies one record). Medians of several runs. Full runs measure the bot and the Lambda as deployed:
/// published by the bench for this machine's runtime, ReadyToRun; quick runs the plain build beside the bench.
/// <c>EVENTBOT_BENCH_BOT</c> (a bot .dll) or <c>EVENTBOT_BENCH_LAMBDA_DIR</c> (a published src/Lambda folder) name
/// others: that is how a ReadyToRun publish is measured against a plain build.
/// </summary>
public static class StartupScenarios
{
    public const string Name = "startup";

    /// <summary>The child mode's first argument (handled in Program.cs before any command-line parsing, like a runtime would).</summary>
    public const string LambdaColdArg = "--lambda-cold-child";

    public const string LambdaName = "lambda-cold";

    public static async Task<List<BenchMetric>> OneShotAsync(BenchSizes sizes, string dir, CancellationToken ct)
    {
        var metrics = new List<BenchMetric>();
        var runs = sizes.StartupRuns;

        // One-shot console command on an existing data directory (the first run creates it, unmeasured).
        var bot = System.Environment.GetEnvironmentVariable("EVENTBOT_BENCH_BOT") is { Length: > 0 } b ? b
            : sizes.StartupPublished ? Path.Combine(await PublishAsync("src/Bot/Bot.csproj", Path.Combine(dir, "published-bot"), ct), "EventBot.Bot.dll")
            : Path.Combine(AppContext.BaseDirectory, "EventBot.Bot.dll");
        var data = Path.Combine(dir, "one-shot");
        await OneShotOnceAsync(bot, data, ".remember startup is warm", ct);
        var wall = new List<double>();
        var cpu = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var (w, c) = await OneShotOnceAsync(bot, data, $".remember startup is run {i}", ct);
            wall.Add(w);
            cpu.Add(c);
        }
        metrics.Add(new("startup_one_shot_ms", Median(wall), "ms", null, null, "≤ 350", "sqlite",
            $"`printf '.remember startup is run N\\n' | dotnet {Path.GetFileName(bot)}` on an existing SQLite data directory, process start → reply → exit, " +
            $"median of {runs} (min {wall.Min():0} / max {wall.Max():0} ms wall; CPU median {Median(cpu):0} ms); {Describe(bot)}"));
        // Wall time on a shared machine is mostly waiting for a core; the CPU the process used is the start-up's own cost.
        metrics.Add(new("startup_one_shot_cpu_ms", Median(cpu), "ms", null, null, null, "sqlite",
            $"user + system CPU of the same one-shot processes (getrusage of the waited children), median of {runs}; {Describe(bot)}"));

        return metrics;
    }

    /// <summary>Lambda cold start: tables and one event's record prepared here, the child only loads, composes and applies.</summary>
    public static async Task<List<BenchMetric>> LambdaColdAsync(BenchSizes sizes, string dir, CancellationToken ct)
    {
        var metrics = new List<BenchMetric>();
        var runs = sizes.StartupRuns;
        {
            var lambdaDir = System.Environment.GetEnvironmentVariable("EVENTBOT_BENCH_LAMBDA_DIR") is { Length: > 0 } l ? l
                : sizes.StartupPublished ? await PublishAsync("src/Lambda/Lambda.csproj", Path.Combine(dir, "published-lambda"), ct)
                : AppContext.BaseDirectory;
            var prefix = $"cold{Guid.NewGuid():N}"[..12] + "-";
            using (var client = new AmazonDynamoDBClient())
                foreach (var table in EventBotTables.All(prefix)) await client.CreateTableAsync(table, ct);
            var times = new List<double>();
            var inside = new List<double>();
            var cpu = new List<double>();
            for (var i = 0; i < runs + 1; i++)
            {
                var file = Path.Combine(dir, $"record{i}.json");
                await File.WriteAllTextAsync(file, LambdaEvent(i), ct);
                var cpuBefore = ChildrenCpuMs();
                var (w, handled) = await LambdaColdOnceAsync(lambdaDir, prefix, file, ct);
                if (i == 0) continue; // the first pays for the OS file cache
                times.Add(w);
                cpu.Add(ChildrenCpuMs() - cpuBefore);
                inside.Add(handled);
            }
            metrics.Add(new("lambda_cold_ms", Median(times), "ms", null, null, "≤ 700", "dynamodb",
                $"a fresh process loads {LambdaContract.Handler} from {(lambdaDir == AppContext.BaseDirectory ? "the bench's folder (a plain build)" : lambdaDir)} " +
                $"in its own load context, as the runtime does, builds it and applies one INSERT record to DynamoDB Local: process start → response, " +
                $"median of {runs} (min {times.Min():0} / max {times.Max():0} ms; of which handler construction + first Handle {Median(inside):0} ms); {Describe(Path.Combine(lambdaDir, "EventBot.Lambda.dll"))}"));
            metrics.Add(new("lambda_cold_cpu_ms", Median(cpu), "ms", null, null, null, "dynamodb",
                $"user + system CPU of the same cold-start processes, median of {runs}; {Describe(Path.Combine(lambdaDir, "EventBot.Lambda.dll"))}"));
        }
        return metrics;
    }

    /// <summary>
    /// Publishes a project of this repository as it is deployed: Release, for this machine's runtime, framework-dependent,
    /// so its csproj compiles it ReadyToRun (the Dockerfile's publish; the Lambda package's, for x64 instead of arm64).
    /// </summary>
    private static async Task<string> PublishAsync(string project, string output, CancellationToken ct)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "EventBot.sln"))) root = root.Parent;
        if (root is null)
            throw new InvalidOperationException($"The start-up scenarios publish {project}, but no EventBot.sln is above {AppContext.BaseDirectory}; " +
                "set EVENTBOT_BENCH_BOT / EVENTBOT_BENCH_LAMBDA_DIR to a published bot and Lambda, or run with --quick (the plain build).");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "publish", Path.Combine(root.FullName, project), "-c", "Release", "--use-current-runtime", "--self-contained", "false",
            "-o", output, "-v", "quiet", "--nologo" })
            start.ArgumentList.Add(arg);
        Console.Error.WriteLine($"bench: publishing {project} (ReadyToRun, as deployed) for the start-up figures…");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet publish");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0) throw new InvalidOperationException($"dotnet publish {project} failed ({process.ExitCode}): {await stdout} {await stderr}");
        return output;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Whether the assembly carries ReadyToRun code (a managed-native header), so each figure says what it measured.</summary>
    private static string Describe(string assembly)
    {
        try
        {
            using var stream = File.OpenRead(assembly);
            using var pe = new System.Reflection.PortableExecutable.PEReader(stream);
            return pe.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory.Size > 0 ? "ReadyToRun" : "JIT only (no ReadyToRun code)";
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static async Task<(double WallMs, double CpuMs)> OneShotOnceAsync(string bot, string data, string message, CancellationToken ct)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(bot);
        start.Environment["EVENTBOT_DATA_DIR"] = data;
        start.Environment["EVENTBOT_STORE"] = "sqlite";
        var cpuBefore = ChildrenCpuMs();
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        await process.StandardInput.WriteLineAsync(message);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        var wall = clock.Elapsed.TotalMilliseconds;
        var reply = await stdout;
        if (process.ExitCode != 0 || !(reply.StartsWith("Remembered", StringComparison.Ordinal) || reply.StartsWith("Updated", StringComparison.Ordinal)))
            throw new InvalidOperationException($"one-shot run failed ({process.ExitCode}): {reply} {await stderr}");
        return (wall, ChildrenCpuMs() - cpuBefore);
    }

    /// <summary>User + system CPU of every waited-for child so far (getrusage RUSAGE_CHILDREN; a child's own counters are gone once it exits).</summary>
    private static double ChildrenCpuMs()
    {
        var usage = new long[18];
        if (!OperatingSystem.IsLinux() || GetRusage(-1, usage) != 0) return double.NaN;
        return ((usage[0] + usage[2]) * 1000.0) + ((usage[1] + usage[3]) / 1000.0);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "getrusage")]
    private static extern int GetRusage(int who, long[] usage);

    private static async Task<(double WallMs, double HandledMs)> LambdaColdOnceAsync(string lambdaDir, string prefix, string file, CancellationToken ct)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var self = System.Environment.ProcessPath ?? "dotnet";
        if (Path.GetFileNameWithoutExtension(self).Equals("EventBot.Bench", StringComparison.Ordinal))
        {
            start.FileName = self;
        }
        else
        {
            start.FileName = "dotnet";
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "EventBot.Bench.dll"));
        }
        foreach (var arg in new[] { LambdaColdArg, lambdaDir, file }) start.ArgumentList.Add(arg);
        start.Environment[LambdaContract.TablePrefixVariable] = prefix;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the Lambda child");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        var wall = clock.Elapsed.TotalMilliseconds;
        var output = (await stdout).Trim();
        if (process.ExitCode != 0 || !output.Contains("\"batchItemFailures\":[]", StringComparison.Ordinal))
            throw new InvalidOperationException($"Lambda cold start failed ({process.ExitCode}): {output} {await stderr}");
        var handled = double.Parse(output[(output.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
        return (wall, handled);
    }

    /// <summary>One INSERT record of a new remember stream, as the event source mapping would hand it over.</summary>
    private static string LambdaEvent(int i)
    {
        var codec = EventCodec.Default;
        var (stream, data) = BenchData.Remember(codec, BenchData.Guild, $"cold{i}", $"value {i}", null);
        var context = BenchData.Context(BenchData.Guild, BenchData.NewSource());
        var envelope = new EventEnvelope(stream.Value, 1, Guid.CreateVersion7(), data.Type, data.SchemaVersion, data.Data,
            context.GuildId, context.ActorId, context.ActorName, context.Source, DateTimeOffset.UtcNow);
        var item = EventItem.ToItem(envelope);
        var record = new JsonObject
        {
            ["eventID"] = Guid.NewGuid().ToString("N"),
            ["eventName"] = "INSERT",
            ["eventVersion"] = "1.1",
            ["eventSource"] = "aws:dynamodb",
            ["awsRegion"] = "us-east-1",
            ["dynamodb"] = new JsonObject
            {
                ["ApproximateCreationDateTime"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                ["Keys"] = Json(new() { [EventBotTables.StreamId] = item[EventBotTables.StreamId], [EventBotTables.Version] = item[EventBotTables.Version] }),
                ["NewImage"] = Json(item),
                ["SequenceNumber"] = (1000 + i).ToString(CultureInfo.InvariantCulture),
                ["SizeBytes"] = 200,
                ["StreamViewType"] = "NEW_IMAGE",
            },
            ["eventSourceARN"] = "arn:aws:dynamodb:us-east-1:000000000000:table/bench/stream/2026-12-06T00:00:00.000",
        };
        return new JsonObject { ["Records"] = new JsonArray(record) }.ToJsonString();
    }

    private static JsonObject Json(Dictionary<string, AttributeValue> item) =>
        new(item.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)Attribute(kv.Value))));

    private static JsonObject Attribute(AttributeValue v) =>
        v.S is not null ? new JsonObject { ["S"] = v.S }
        : v.N is not null ? new JsonObject { ["N"] = v.N }
        : v.M is { Count: > 0 } || v.IsMSet ? new JsonObject { ["M"] = Json(v.M!) }
        : v.L is { Count: > 0 } || v.IsLSet ? new JsonObject { ["L"] = new JsonArray([.. v.L!.Select(x => (JsonNode?)Attribute(x))]) }
        : v.B is not null ? new JsonObject { ["B"] = Convert.ToBase64String(v.B.ToArray()) }
        : v.BOOL is { } flag ? new JsonObject { ["BOOL"] = flag }
        : new JsonObject { ["NULL"] = true };

    /// <summary>
    /// The child: loads EventBot.Lambda from <paramref name="args"/>[1] in a load context of its own (its deps.json when
    /// there is one), creates the handler by its handler string, hands it the record file, writes the response and the
    /// milliseconds since the process started.
    /// </summary>
    public static async Task<int> LambdaColdChildAsync(string[] args)
    {
        var (dir, file) = (args[1], args[2]);
        var handler = LambdaContract.Handler.Split("::");
        var context = new LambdaLoadContext(Path.Combine(dir, handler[0] + ".dll"));
        var assembly = context.LoadFromAssemblyPath(Path.Combine(dir, handler[0] + ".dll"));
        var type = assembly.GetType(handler[1], throwOnError: true)!;
        var clock = Stopwatch.StartNew();
        var function = Activator.CreateInstance(type)!;
        var handle = type.GetMethod(handler[2], [typeof(Stream)])!;
        await using var input = File.OpenRead(file);
        var output = await (Task<Stream>)handle.Invoke(function, [input])!;
        var handled = clock.Elapsed.TotalMilliseconds;
        using var reader = new StreamReader(output);
        var sinceStart = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;
        Console.WriteLine($"{await reader.ReadToEndAsync()} {sinceStart.ToString("0.0", CultureInfo.InvariantCulture)} {handled.ToString("0.0", CultureInfo.InvariantCulture)}");
        return 0;
    }

    /// <summary>Resolves what the function's folder holds (its deps.json); the rest comes from the default context.</summary>
    private sealed class LambdaLoadContext(string main) : AssemblyLoadContext("lambda")
    {
        private readonly AssemblyDependencyResolver? _resolver = File.Exists(Path.ChangeExtension(main, ".deps.json")) ? new AssemblyDependencyResolver(main) : null;

        protected override Assembly? Load(AssemblyName name) =>
            _resolver?.ResolveAssemblyToPath(name) is { } path ? LoadFromAssemblyPath(path) : null;
    }
}
