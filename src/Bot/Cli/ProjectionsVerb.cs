using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using EventBot.Bot.Hosting;
using EventBot.EventStore;
using EventBot.EventStore.Sqlite;
using EventBot.Projections.Core;
using EventBot.Projections.DeadLetters;
using EventBot.Projections.Feeds;
using EventBot.Projections.Replay;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace EventBot.Bot.Cli;

/// <summary><c>projections errors|retry|status</c>: dead letters, their retry, and per-feed checkpoints, lag and generations.</summary>
public static class ProjectionsVerb
{
    public static Command Create()
    {
        var projections = new Command("projections", "Inspect the projector: dead letters, retries, checkpoints, lag and active generations.");
        projections.Subcommands.Add(Errors());
        projections.Subcommands.Add(Retry());
        projections.Subcommands.Add(Status());
        return projections;
    }

    private static Command Errors()
    {
        var command = new Command("errors", "List dead letters: records the projector could not apply.") { Cli.Json };
        command.SetAction((result, ct) => Cli.GuardAsync(async () =>
        {
            using var host = BotHost.CreateBuilder().Build();
            if (Cli.MissingStore(host.Services) is { } noStore) return Cli.Fail(noStore);
            var letters = await host.Services.GetRequiredService<DeadLetterStore>().ListAsync(ct);
            if (result.GetValue(Cli.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(letters.Select(d => new
                {
                    id = d.Id,
                    stream = d.StreamId,
                    version = d.Version,
                    type = d.Type,
                    projection = d.Projection,
                    error = d.Error,
                    attempts = d.Attempts,
                    firstSeen = d.FirstSeen,
                    lastSeen = d.LastSeen,
                    status = d.Status.ToString().ToLowerInvariant(),
                }), EventCodec.Json));
                return 0;
            }
            if (letters.Count == 0)
            {
                Console.WriteLine("No dead letters.");
                return 0;
            }
            // One block per dead letter, wrapped at 80 columns: an eight-column table with the error in it was unreadable.
            foreach (var d in letters)
            {
                Console.WriteLine($"{d.Id}  {d.Status.ToString().ToLowerInvariant()} after {d.Attempts} attempt(s)");
                CliText.Field("event", $"{d.StreamId} v{d.Version} ({d.Type})");
                CliText.Field("projection", d.Projection ?? "— (before any projection)");
                CliText.Field("seen", $"{Time(d.FirstSeen)} … {Time(d.LastSeen)}");
                CliText.Field("error", d.Error);
            }
            return 0;
        }));
        return command;
    }

    private static Command Retry()
    {
        var all = new Option<bool>("--all") { Description = "Retry every dead letter." };
        var id = new Option<string?>("--id") { Description = "Retry one dead letter (its id from `projections errors`)." };
        var command = new Command("retry", "Re-apply dead letters (after fixing their cause); each one that applies is removed.") { all, id, Cli.Json };
        command.SetAction((result, ct) => Cli.GuardAsync(async () =>
        {
            if (result.GetValue(all) == (result.GetValue(id) is not null)) return Cli.Fail("give exactly one of --all or --id ID");
            using var host = BotHost.CreateBuilder().Build();
            if (Cli.MissingStore(host.Services) is { } noStore) return Cli.Fail(noStore);
            var services = host.Services;
            // A retry rewrites read-model rows: not while a rebuild does (nor two retries at once).
            await using var lease = await RebuildLeaseScope.AcquireAsync(services, "projections retry", ct);
            if (lease.BusyExit is { } busy) return busy;
            ct = lease.Token;
            var store = services.GetRequiredService<DeadLetterStore>();
            var retry = new DeadLetterRetry(services.GetRequiredService<IEventReader>(), services.GetRequiredService<EventCodec>(),
                [.. services.GetServices<IProjection>()], services.GetRequiredService<RowRebuilder>(), store);
            IReadOnlyList<DeadLetter> chosen = result.GetValue(id) is { } one
                ? await store.GetAsync(one, ct) is { } found ? [found] : []
                : await store.ListAsync(ct);
            if (chosen.Count == 0) return result.GetValue(id) is { } missing ? Cli.Fail($"no dead letter {missing}") : Print(result, []);
            var outcomes = new List<RetryOutcome>();
            foreach (var letter in chosen) outcomes.Add(await retry.RetryAsync(letter, ct));
            Print(result, outcomes);
            var failed = outcomes.Count(o => !o.Fixed);
            return failed == 0 ? 0 : Cli.Fail($"{failed} of {outcomes.Count} dead letter(s) still fail");
        }));
        return command;
    }

    private static int Print(ParseResult result, IReadOnlyList<RetryOutcome> outcomes)
    {
        if (result.GetValue(Cli.Json))
            Console.WriteLine(JsonSerializer.Serialize(outcomes.Select(o => new { id = o.Letter.Id, @fixed = o.Fixed, error = o.Error }), EventCodec.Json));
        else if (outcomes.Count == 0)
            Console.WriteLine("No dead letters.");
        else
            foreach (var o in outcomes) Console.WriteLine(o.Fixed ? $"fixed  {o.Letter.Id}{(o.Error is null ? "" : $" ({o.Error})")}" : $"failed {o.Letter.Id}: {o.Error}");
        return 0;
    }

    private static Command Status()
    {
        var command = new Command("status", "Per feed: checkpoint, newest event time seen, lag (seconds and events); per projection: active generation and dead letters.") { Cli.Json };
        command.SetAction((result, ct) => Cli.GuardAsync(async () =>
        {
            using var host = BotHost.CreateBuilder().Build();
            if (Cli.MissingStore(host.Services) is { } noStore) return Cli.Fail(noStore);
            var services = host.Services;
            var views = services.GetRequiredService<IViewStore>();
            var feeds = new List<(FeedLag Lag, string Source)>();
            if (services.GetService<SqliteEventStore>() is not null)
            {
                // The tail's checkpoint is in the same file: measure it now rather than trust the last report.
                // SQLite mode registers exactly one lag source, the tail's (SqliteTailLag).
                feeds.Add((await services.GetRequiredService<IFeedLagSource>().MeasureAsync(ct), "measured now"));
            }
            else if (await views.GetValueAsync(LagReporter.StatusName("dynamodb-streams"), ct) is { Length: > 0 } reported)
            {
                var lag = JsonSerializer.Deserialize<FeedLag>(reported, EventCodec.Json)!;
                feeds.Add((lag, $"reported by the running poller at {Time(lag.MeasuredAt)}"));
            }

            var letters = await services.GetRequiredService<DeadLetterStore>().ListAsync(ct);
            var generations = new Generations(views) { Ttl = TimeSpan.Zero };
            var projections = new List<(string Name, long Generation, int DeadLetters, bool Rebuilding)>();
            var all = services.GetServices<IProjection>().ToList();
            var fullRebuild = await views.GetValueAsync(Rebuilder.ProgressName(all), ct) is { Length: > 0 };
            foreach (var p in all)
            {
                // Saved progress of a rebuild of this projection alone, or of all of them (other sets are not listed).
                var rebuilding = fullRebuild || await views.GetValueAsync(Rebuilder.ProgressName([p]), ct) is { Length: > 0 };
                projections.Add((p.Name, await generations.ActiveAsync(p.Name, ct), letters.Count(d => d.Projection == p.Name || d.Projection is null), rebuilding));
            }

            if (result.GetValue(Cli.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    feeds = feeds.Select(f => new
                    {
                        feed = f.Lag.Feed,
                        checkpoint = f.Lag.Checkpoint,
                        newestEventTime = f.Lag.NewestEventTime,
                        lagSeconds = f.Lag.LagSeconds,
                        lagEvents = f.Lag.LagEvents,
                        source = f.Source,
                    }),
                    projections = projections.Select(p => new { projection = p.Name, activeGeneration = p.Generation, deadLetters = p.DeadLetters, rebuildInProgress = p.Rebuilding }),
                    deadLetters = letters.Count,
                }, EventCodec.Json));
                return 0;
            }
            var feedTable = new Table().AddColumns("feed", "checkpoint", "newest event", "lag s", "lag events", "source");
            foreach (var (lag, source) in feeds)
                feedTable.AddRow(lag.Feed, Markup.Escape(lag.Checkpoint), lag.NewestEventTime is { } t ? Time(t) : "—",
                    lag.LagSeconds?.ToString("N1", CultureInfo.InvariantCulture) ?? "?", lag.LagEvents?.ToString("N0", CultureInfo.InvariantCulture) ?? "?", Markup.Escape(source));
            if (feeds.Count == 0) feedTable.AddRow("dynamodb-streams", "—", "—", "?", "?", "no report yet (is a poller running?)");
            var output = Cli.Out();
            output.Write(feedTable);
            var projectionTable = new Table().AddColumns("projection", "active generation", "dead letters", "rebuilding");
            foreach (var p in projections)
                projectionTable.AddRow(p.Name, p.Generation.ToString(CultureInfo.InvariantCulture), p.DeadLetters.ToString(CultureInfo.InvariantCulture), p.Rebuilding ? "yes" : "no");
            output.Write(projectionTable);
            return 0;
        }));
        return command;
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
