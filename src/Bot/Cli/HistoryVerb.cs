using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using EventBot.Bot.Chat;
using EventBot.Bot.Features.Remember;
using EventBot.Bot.Hosting;
using EventBot.Domain.Play;
using EventBot.Domain.Remember;
using EventBot.Domain.Sparkle;
using EventBot.EventStore;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace EventBot.Bot.Cli;

/// <summary>
/// <c>history --guild NAME|ID [--key KEY] [--limit N] [--json]</c>: a server's or a key's remember history, newest
/// first. Output cut by <c>--limit</c> says so (a note on standard error, <c>truncated</c> in JSON); a server or key
/// with no history is named as typed; a missing SQLite store is reported, never created.
/// </summary>
public static class HistoryVerb
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 10_000;

    public static Command Create()
    {
        var guild = new Option<string>("--guild") { Description = "Server id, or a console server's name.", Required = true };
        var key = new Option<string?>("--key") { Description = "Only this key (its own stream: strongly consistent)." };
        var limit = new Option<int>("--limit")
        {
            Description = $"At most this many changes, newest first (default {DefaultLimit}, at most {MaxLimit:N0}); cut output says so.",
            DefaultValueFactory = _ => DefaultLimit,
        };
        var command = new Command("history", "Print a server's or a key's remember history as a table, or JSON.") { guild, key, limit, Cli.Json };
        command.SetAction((result, ct) => Cli.GuardAsync(async () =>
        {
            var max = result.GetValue(limit);
            if (max is < 1 or > MaxLimit) return Cli.Fail($"--limit must be from 1 to {MaxLimit:N0}, not {max}");
            var guildText = result.GetValue(guild)!;
            if (string.IsNullOrWhiteSpace(guildText)) return Cli.Fail("--guild is empty: give a server id or a console server's name");
            var keyText = result.GetValue(key);
            MemoryKey? memoryKey = null;
            if (keyText is not null)
            {
                var created = MemoryKey.Create(keyText);
                if (!created.IsValid) return Cli.Fail($"--key \"{keyText}\": {created.Error}");
                memoryKey = created.Value;
            }

            using var host = BotHost.CreateBuilder().Build();
            if (Cli.MissingStore(host.Services) is { } noStore) return Cli.Fail(noStore);
            var store = host.Services.GetRequiredService<IEventReader>();
            var codec = host.Services.GetRequiredService<EventCodec>();
            var guildId = CliGuild.Parse(guildText);
            var server = CliGuild.Describe(guildText);

            IReadOnlyList<EventEnvelope> events;
            bool truncated;
            int? total = null;
            if (memoryKey is { } k)
            {
                var all = await store.ReadStreamAsync(new StreamName(RememberStream.For(guildId, k)), 1, ct);
                if (all.Count == 0)
                    return Cli.Fail(await HasEventsAsync(store, guildId.ToString(), ct)
                        ? $"nothing was ever remembered for key \"{keyText}\" in {server}"
                        : UnknownServer(server));
                (events, truncated, total) = ([.. all.Reverse().Take(max)], all.Count > max, all.Count);
            }
            else
            {
                var page = await store.ReadGuildHistoryAsync(guildId.ToString(), RememberStream.Category, 0, max + 1, ct);
                if (page.Count == 0 && !await HasEventsAsync(store, guildId.ToString(), ct)) return Cli.Fail(UnknownServer(server));
                (events, truncated) = ([.. page.Take(max)], page.Count > max);
            }

            var rows = events.Select(e => (Envelope: e, Event: codec.IsKnown(e.Type) ? codec.Decode(e) as RememberEvent : null)).ToList();
            if (truncated)
            {
                var of = total is { } t ? $" of {t:N0}" : "";
                await Console.Error.WriteLineAsync($"eventbot: showing the newest {rows.Count:N0} changes{of}; there are more: --limit N shows up to {MaxLimit:N0}");
            }
            if (result.GetValue(Cli.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    server = guildText,
                    guildId = guildId.ToString(),
                    key = keyText,
                    limit = max,
                    truncated,
                    total,
                    changes = rows.Select(r => Change(r.Envelope, r.Event)),
                }, EventCodec.Json));
                return 0;
            }
            if (rows.Count == 0)
            {
                Console.WriteLine($"No remember history in {server}.");
                return 0;
            }
            // Five columns in 80: short time, the change shortened (--json has it whole).
            var table = new Table().AddColumns("when (UTC)", "key", "v", "who", "change");
            foreach (var (e, @event) in rows)
                table.AddRow(e.RecordedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), Markup.Escape(Md.Shorten(@event?.Key ?? "?", 20)),
                    e.Version.ToString(CultureInfo.InvariantCulture), Markup.Escape(Md.Shorten(e.ActorName, 12)), Markup.Escape(Md.Shorten(History.Change(@event, e.Type), 60)));
            Cli.Out().Write(table);
            return 0;
        }));
        return command;
    }

    /// <summary>One change as data: what it was, the value before and after, who and when.</summary>
    private static object Change(EventEnvelope e, RememberEvent? @event)
    {
        var (kind, old, @new, from) = @event switch
        {
            RememberEvent.ValueRemembered r => (r.PreviousValue is null ? "set" : "changed", r.PreviousValue, r.Value, (long?)null),
            RememberEvent.ValueForgotten f => ("forgotten", f.PreviousValue, null, null),
            RememberEvent.ValueRestored s => ("restored", s.PreviousValue, s.Value, s.FromVersion),
            _ => ("unknown", null, (string?)null, (long?)null),
        };
        return new
        {
            key = @event?.Key,
            version = e.Version,
            at = e.RecordedAt,
            actor = e.ActorName,
            actorId = e.ActorId,
            kind,
            old,
            @new,
            restoredFrom = from,
            type = e.Type,
            stream = e.StreamId,
        };
    }

    private static string UnknownServer(string server) =>
        $"no events at all in {server}: check the spelling, or give the Discord server id";

    /// <summary>Whether anything at all happened in the server (a typo of its name has nothing).</summary>
    private static async Task<bool> HasEventsAsync(IEventReader store, string guildId, CancellationToken ct)
    {
        foreach (var category in new[] { RememberStream.Category, SparkleStream.Category, PlayStream.Category })
            if ((await store.ReadGuildHistoryAsync(guildId, category, 0, 1, ct)).Count > 0) return true;
        return false;
    }
}
