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
                else AnsiConsole.MarkupLineInterpolated($"Rebuilt [bold]{scoped.Rows}[/] row(s) in place from {scoped.Events:N0} event(s) of {stream ?? $"guild {guildId}"}; {scoped.Changed} changed.");
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
                        eventsPerSecond = rebuilt.EventsPerSecond,
                        resumed = rebuilt.Resumed,
                        generations = rebuilt.Flips.Select(f => new { projection = f.Projection, old = f.Old, active = f.Next }),
                    }, EventCodec.Json));
                }
                else
                {
                    AnsiConsole.MarkupLineInterpolated($"Rebuilt {chosen.Count} projection(s){(rebuilt.Resumed ? $" (resumed after {rebuilt.DoneBefore:N0})" : "")}: [bold]{rebuilt.Events:N0}[/] events in {rebuilt.Elapsed.TotalSeconds:N1} s, {rebuilt.EventsPerSecond:N0} events/s.");
                    foreach (var f in rebuilt.Flips) AnsiConsole.MarkupLineInterpolated($"  {f.Projection}: generation {f.Old} → {f.Next}");
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
            AnsiConsole.MarkupLineInterpolated($"No drift: {verified.Events:N0} events rebuild exactly the live read models ({verified.Elapsed.TotalSeconds:N1} s).");
            return;
        }
        var table = new Table().AddColumns("projection", "partition", "row", "drift", "live", "rebuilt from events");
        foreach (var d in verified.Drift)
            table.AddRow(Markup.Escape(d.Projection), Markup.Escape(d.Partition), Markup.Escape(d.Sort), d.Kind.ToString().ToLowerInvariant(), Markup.Escape(d.Live ?? "—"), Markup.Escape(d.Rebuilt ?? "—"));
        AnsiConsole.Write(table);
    }

    /// <summary>A live progress bar (events done / total, events per second, ETA) unless --json asked for quiet output.</summary>
    private static async Task<T> WithProgressAsync<T>(bool json, Func<IProgress<RebuildProgress>, Task<T>> work)
    {
        if (json) return await work(new Progress<RebuildProgress>(_ => { }));
        var clock = Stopwatch.StartNew();
        return await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("starting", maxValue: 1);
                var progress = new SyncProgress(p =>
                {
                    var rate = clock.Elapsed.TotalSeconds > 0 ? p.Done / clock.Elapsed.TotalSeconds : 0;
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
