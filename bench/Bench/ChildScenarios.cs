using System.Diagnostics;
using System.Globalization;
using EventBot.Bot.Chat;
using EventBot.EventStore;
using EventBot.Projections.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using EventBot.Projections.Replay;

namespace EventBot.Bench;

/// <summary>
/// Scenarios that report peak RSS run in a child process of the same executable (<c>EventBot.Bench --scenario NAME</c>),
/// so each figure belongs to one scenario and not to whatever the parent did before.
/// </summary>
public static class ChildScenarios
{
    public const string MemorySteady = "memory-steady";
    public const string RebuildSqlite = "rebuild-sqlite";

    public static async Task<List<BenchMetric>> RunAsync(string scenario, string dataDir, int count, CancellationToken ct) => scenario switch
    {
        MemorySteady => await SteadyAsync(dataDir, count, ct),
        RebuildSqlite => await RebuildAsync(dataDir, ct),
        _ => throw new ArgumentException($"unknown scenario '{scenario}' (known: {MemorySteady}, {RebuildSqlite})"),
    };

    /// <summary>The bot on SQLite with its tail, answering <paramref name="count"/> messages (writes and reads), then VmHWM.</summary>
    private static async Task<List<BenchMetric>> SteadyAsync(string dataDir, int count, CancellationToken ct)
    {
        using var host = SqliteScenarios.BuildHost(new Dictionary<string, string?> { ["EVENTBOT_DATA_DIR"] = dataDir });
        await host.StartAsync(ct);
        var bot = host.Services.GetRequiredService<ChatBot>();
        for (var i = 0; i < count; i++)
        {
            var content = (i % 4) switch
            {
                0 or 1 => $".remember k{i % 200} is value {i}",
                2 => $".remember k{i % 200}",
                _ => ".remember search k1",
            };
            _ = await bot.HandleAsync(BenchData.Message(content), ct);
        }
        var rss = PeakMemory.PeakRssMb();
        await host.StopAsync(CancellationToken.None);
        return [new("memory_steady_peak_rss", rss, "MB", null, null, "≤ 150", "sqlite", $"VmHWM of a child bot process after {count:N0} messages (remember/recall/search)")];
    }

    /// <summary>Rebuilds every projection from a seeded store with the real Rebuilder; a raw ReadAll of the same file first.</summary>
    private static async Task<List<BenchMetric>> RebuildAsync(string dataDir, CancellationToken ct)
    {
        using var host = SqliteScenarios.BuildHost(new Dictionary<string, string?> { ["EVENTBOT_DATA_DIR"] = dataDir });
        // Not started: the tail stays off, the rebuild is the only writer.
        var reader = host.Services.GetRequiredService<IEventReader>();
        var start = Stopwatch.GetTimestamp();
        long read = 0;
        await foreach (var _ in reader.ReadAllAsync(ct)) read++;
        var readRate = SqliteScenarios.Rate(read, Stopwatch.GetTimestamp() - start);

        var rebuilder = host.Services.GetRequiredService<Rebuilder>();
        int[] collectionsBefore = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        IProjection[] projections = [.. host.Services.GetServices<IProjection>()];
        var result = await rebuilder.RunAsync(projections, null, ct);
        var collections = string.Join('/', collectionsBefore.Select((before, gen) => GC.CollectionCount(gen) - before));
        var rebuilt = result.Events;
        var rate = result.Events / (result.Elapsed - result.Settled).TotalSeconds;
        var rss = PeakMemory.PeakRssMb();
        return
        [
            new("rebuild_rate_sqlite", rate, "events/s", readRate, "raw ReadAllAsync of the same file", "≥ 100,000", "sqlite",
                $"{rebuilt:N0} events, all {projections.Length} projections, real Rebuilder/ProjectorCore; {(result.Elapsed - result.Settled).TotalSeconds:0.0} s of work, plus the fixed {result.Settled.TotalSeconds:0.0} s wait after the flip (not counted); " +
                $"{collections} gen0/1/2 collections, {GcMode()}"),
            new("memory_rebuild_peak_rss", rss, "MB", null, null, "≤ 400", "sqlite", $"VmHWM of a child process rebuilding {rebuilt:N0} events"),
        ];
    }

    /// <summary>The GC flavour this process runs with: the rebuild's rate depends on it (see docs/performance.md).</summary>
    public static string GcMode()
    {
        var gc = GC.GetConfigurationVariables();
        var budget = gc.TryGetValue("GCGen0MaxBudget", out var b) && b is long bytes ? $"{bytes / (1024 * 1024)} MB" : "?";
        return $"{(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC, background GC " +
            $"{(gc.TryGetValue("ConcurrentGC", out var c) && c is true ? "on" : "off")}, gen0 budget ≤ {budget}";
    }

    /// <summary>Runs a scenario in a child process of this executable and reads back its metrics (JSON on standard output).</summary>
    public static async Task<List<BenchMetric>> InChildAsync(string scenario, string dataDir, int count, CancellationToken ct)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var self = System.Environment.ProcessPath ?? "dotnet";
        if (Path.GetFileNameWithoutExtension(self).Equals("EventBot.Bench", StringComparison.Ordinal))
        {
            start.FileName = self;
        }
        else
        {
            // Under the dotnet host (dotnet EventBot.Bench.dll, or in-process from a test host): run the bench assembly
            // with the running app's runtimeconfig and deps, so the child resolves what this process resolves
            // (a test project may take some assemblies from a shared framework the bench alone does not reference).
            start.FileName = Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.Ordinal) ? self : "dotnet";
            var deps = (AppContext.GetData("APP_CONTEXT_DEPS_FILES") as string)?.Split(';', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            var runtimeConfig = deps?.Replace(".deps.json", ".runtimeconfig.json", StringComparison.Ordinal);
            if (deps is not null && File.Exists(deps) && File.Exists(runtimeConfig))
            {
                foreach (var arg in new[] { "exec", "--runtimeconfig", runtimeConfig, "--depsfile", deps }) start.ArgumentList.Add(arg);
            }
            start.ArgumentList.Add(typeof(ChildScenarios).Assembly.Location);
        }
        foreach (var arg in new[] { "--scenario", scenario, "--data-dir", dataDir, "--count", count.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"bench scenario {scenario} exited {process.ExitCode}: {(await stderr).Trim()}");
        return BenchReport.FromJson(await stdout);
    }
}
