using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using EventBot.Bot.Hosting;
using EventBot.Domain.Remember;
using EventBot.EventStore;
using EventBot.Projections.Core;
using EventBot.Projections.Replay;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace EventBot.Bot.Cli;

/// <summary>
/// <c>replay</c>: rebuild read models from the event store (all, one projection, one guild or one key), or
/// <c>--verify</c> them against a scratch rebuild. Safe while the bot runs; resumes after Ctrl-C or a crash.
/// </summary>
public static class ReplayVerb
{
    public static Command Create()
    {
        var projection = new Option<string[]>("--projection") { Description = "Only these projections (repeatable). Default: all.", AllowMultipleArgumentsPerToken = true };
        var guild = new Option<string?>("--guild") { Description = "Only rows of this server (id, or console server name), rebuilt in place." };
        var key = new Option<string?>("--key") { Description = "Only the rows of this remembered key (needs --guild), rebuilt in place." };
        var verify = new Option<bool>("--verify") { Description = "Rebuild into a scratch generation, report every difference from the live read models, discard it. Exit 1 on drift." };
        var command = new Command("replay", "Rebuild read models from the event store (a new generation, flipped when complete), or verify them.")
        {
            projection, guild, key, verify, Cli.Json,
        };
        command.SetAction((result, ct) => Cli.GuardAsync(async () =>
        {
            using var host = BotHost.CreateBuilder().Build();
            if (Cli.MissingStore(host.Services) is { } noStore) return Cli.Fail(noStore);
            var services = host.Services;
            var all = services.GetServices<IProjection>().ToList();
            var names = result.GetValue(projection) ?? [];
            var unknown = names.Where(n => all.All(p => p.Name != n)).ToList();
            if (unknown.Count > 0) return Cli.Fail($"unknown projection {string.Join(", ", unknown)}; known: {string.Join(", ", all.Select(p => p.Name))}");
            IReadOnlyList<IProjection> chosen = names.Length == 0 ? all : [.. all.Where(p => names.Contains(p.Name))];
            var json = result.GetValue(Cli.Json);
            var guildText = result.GetValue(guild);
            var keyText = result.GetValue(key);
            if (keyText is not null && guildText is null) return Cli.Fail("--key needs --guild (keys belong to a server)");
            if (guildText is not null && result.GetValue(verify)) return Cli.Fail("--verify checks whole projections; leave out --guild/--key");

            // One rebuild at a time; from here on ct is also cancelled if this run loses the lease.
            await using var lease = await RebuildLeaseScope.AcquireAsync(services, result.GetValue(verify) ? "replay --verify" : "replay", ct);
            if (lease.BusyExit is { } busy) return busy;
            ct = lease.Token;

            if (guildText is not null)
            {
                var guildId = CliGuild.Parse(guildText);
                string? stream = null;
                if (keyText is not null)
                {
                    var memoryKey = MemoryKey.Create(keyText);
                    if (!memoryKey.IsValid) return Cli.Fail($"--key: {memoryKey.Error}");
                    stream = RememberStream.For(guildId, memoryKey.Value);
                }
                var scoped = await WithProgressAsync(json, p => services.GetRequiredService<RowRebuilder>().RebuildScopeAsync(chosen, guildId.ToString(), stream, p, ct));
                if (json) Console.WriteLine(JsonSerializer.Serialize(new { scope = stream ?? $"guild {guildId}", events = scoped.Events, rows = scoped.Rows, changed = scoped.Changed }, EventCodec.Json));
                else Cli.Out().MarkupLineInterpolated($"Rebuilt [bold]{scoped.Rows}[/] row(s) in place from {scoped.Events:N0} event(s) of {(keyText is null ? "" : $"key \"{keyText}\" in ")}{CliGuild.Describe(guildText)}; {scoped.Changed} changed.");
                return 0;
            }

            var rebuilder = services.GetRequiredService<Rebuilder>();
            if (result.GetValue(verify))
            {
                var checkedResult = await WithProgressAsync(json, p => rebuilder.VerifyAsync(chosen, p, ct));
                PrintDrift(checkedResult, json);
                return checkedResult.Drift.Count == 0 ? 0 : Cli.Fail($"{checkedResult.Drift.Count} row(s) differ from a rebuild from the events");
            }

            try
            {
                var rebuilt = await WithProgressAsync(json, p => rebuilder.RunAsync(chosen, p, ct));
                if (json)
                {
                    Console.WriteLine(JsonSerializer.Serialize(new
                    {
                        events = rebuilt.Events,
                        elapsedSeconds = rebuilt.Elapsed.TotalSeconds,
                        workSeconds = Work(rebuilt).TotalSeconds,
                        settleSeconds = rebuilt.Settled.TotalSeconds,
                        eventsPerSecond = WorkRate(rebuilt),
                        resumed = rebuilt.Resumed,
                        generations = rebuilt.Flips.Select(f => new { projection = f.Projection, old = f.Old, active = f.Next }),
                    }, EventCodec.Json));
                }
                else
                {
                    var output = Cli.Out();
                    Console.WriteLine(Summary(rebuilt, chosen.Count));
                    foreach (var f in rebuilt.Flips) output.MarkupLineInterpolated($"  {f.Projection}: generation {f.Old} → {f.Next}");
                }
                return 0;
            }
            catch (OperationCanceledException)
            {
                return Cli.Fail("interrupted; progress is saved: run the same replay again to resume", 130);
            }
        }));
        return command;
    }

    private static void PrintDrift(RebuildResult verified, bool json)
    {
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                events = verified.Events,
                elapsedSeconds = verified.Elapsed.TotalSeconds,
                drift = verified.Drift.Count,
                rows = verified.Drift.Select(d => new { projection = d.Projection, partition = d.Partition, sort = d.Sort, kind = d.Kind.ToString().ToLowerInvariant(), live = d.Live, rebuilt = d.Rebuilt }),
            }, EventCodec.Json));
            return;
        }
        if (verified.Drift.Count == 0)
        {
            Console.WriteLine($"No drift: {verified.Events:N0} events rebuild exactly the live read models ({verified.Elapsed.TotalSeconds:N1} s).");
            return;
        }
        // One block per row, labelled lines wrapped at 80 columns: JSON bodies in a six-column table were unreadable.
        foreach (var d in verified.Drift)
        {
            Console.WriteLine($"{d.Projection}: {d.Kind.ToString().ToLowerInvariant()} row");
            CliText.Field("partition", d.Partition);
            CliText.Field("row", d.Sort);
            CliText.Field("live", d.Live ?? "(none)");
            CliText.Field("rebuilt", d.Rebuilt ?? "(none)");
        }
    }

    /// <summary>The rebuild's own work: its elapsed time less the fixed wait after the flip.</summary>
    public static TimeSpan Work(RebuildResult rebuilt) => rebuilt.Elapsed - rebuilt.Settled;

    /// <summary>Events this run replayed per second of work (the settle wait is a fixed delay, not work; resumed runs count their own events).</summary>
    public static double WorkRate(RebuildResult rebuilt)
    {
        var events = rebuilt.Events - rebuilt.DoneBefore;
        var seconds = Work(rebuilt).TotalSeconds;
        return seconds > 0 ? events / seconds : 0;
    }

    /// <summary>The summary line: the work's rate, and the settle wait beside it, as the README reports rebuilds.</summary>
    public static string Summary(RebuildResult rebuilt, int projections)
    {
        var events = rebuilt.Events - rebuilt.DoneBefore;
        var resumed = rebuilt.Resumed ? $" (resumed: {rebuilt.DoneBefore:N0} events were done before)" : "";
        var work = events == 0
            ? "no events were left to replay"
            : $"{events:N0} events in {Work(rebuilt).TotalSeconds:N1} s, {WorkRate(rebuilt):N0} events/s";
        return $"Rebuilt {projections} projection(s){resumed}: {work}.\n  Then {rebuilt.Settled.TotalSeconds:N1} s waiting for other processes to see the new generation (not work).";
    }

    /// <summary>A live progress bar (events done / total, events per second, ETA) unless --json asked for quiet output.</summary>
    private static async Task<T> WithProgressAsync<T>(bool json, Func<IProgress<RebuildProgress>, Task<T>> work)
    {
        if (json) return await work(new Progress<RebuildProgress>(_ => { }));
        var clock = Stopwatch.StartNew();
        var rate = 0.0;
        (long Done, TimeSpan At)? start = null; // counted from the first report: a resumed run from where it resumed
        var settled = TimeSpan.Zero;
        TimeSpan? settling = null;
        // Progress goes to standard error: standard output carries only the result, for scripts.
        return await Cli.Error().Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("starting", maxValue: 1);
                var progress = new SyncProgress(p =>
                {
                    // The settle wait after the flip is not work: the rate is the work's, as in the summary.
                    if (p.Phase.StartsWith("settling", StringComparison.Ordinal))
                    {
                        settling ??= clock.Elapsed;
                    }
                    else
                    {
                        if (settling is { } began) (settled, settling) = (settled + (clock.Elapsed - began), null);
                        start ??= (p.Done, clock.Elapsed);
                        var working = (clock.Elapsed - start.Value.At - settled).TotalSeconds;
                        if (working > 0) rate = (p.Done - start.Value.Done) / working;
                    }
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = p.Done;
                    task.Description = $"{p.Phase}: {p.Done:N0} / {(p.TotalIsExact ? "" : "≈")}{p.Total:N0} events · {rate:N0}/s";
                });
                var value = await work(progress);
                task.Value = task.MaxValue;
                task.StopTask();
                return value;
            });
    }

    /// <summary>Reports on the caller's thread: <see cref="Progress{T}"/> posts to the thread pool and can arrive after the work.</summary>
    private sealed class SyncProgress(Action<RebuildProgress> report) : IProgress<RebuildProgress>
    {
        public void Report(RebuildProgress value) => report(value);
    }
}
