using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using EventBot.Bot.Features.Remember;
using EventBot.Bot.Hosting;
using EventBot.Domain.Remember;
using EventBot.EventStore;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace EventBot.Bot.Cli;

/// <summary><c>history --guild NAME|ID [--key KEY]</c>: a server's or a key's remember history, newest first.</summary>
public static class HistoryVerb
{
    public static Command Create()
    {
        var guild = new Option<string>("--guild") { Description = "Server id, or a console server's name.", Required = true };
        var key = new Option<string?>("--key") { Description = "Only this key (its own stream: strongly consistent)." };
        var limit = new Option<int>("--limit") { Description = "At most this many changes (default 50).", DefaultValueFactory = _ => 50 };
        var command = new Command("history", "Print a server's or a key's remember history as a table, or JSON.") { guild, key, limit, Cli.Json };
        command.SetAction((result, ct) => Cli.GuardAsync(async () =>
        {
            if (result.GetValue(limit) is < 1 or > 10_000) return Cli.Fail("--limit must be from 1 to 10,000");
            using var host = BotHost.CreateBuilder().Build();
            var store = host.Services.GetRequiredService<IEventReader>();
            var codec = host.Services.GetRequiredService<EventCodec>();
            var guildId = CliGuild.Parse(result.GetValue(guild)!);
            IReadOnlyList<EventEnvelope> events;
            if (result.GetValue(key) is { } keyText)
            {
                var memoryKey = MemoryKey.Create(keyText);
                if (!memoryKey.IsValid) return Cli.Fail($"--key: {memoryKey.Error}");
                events = [.. (await store.ReadStreamAsync(new StreamName(RememberStream.For(guildId, memoryKey.Value)), 1, ct)).Reverse().Take(result.GetValue(limit))];
            }
            else
            {
                events = await store.ReadGuildHistoryAsync(guildId.ToString(), RememberStream.Category, 0, result.GetValue(limit), ct);
            }
            var rows = events.Select(e => (Envelope: e, Event: codec.IsKnown(e.Type) ? codec.Decode(e) as RememberEvent : null)).ToList();
            if (result.GetValue(Cli.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(rows.Select(r => new
                {
                    stream = r.Envelope.StreamId,
                    version = r.Envelope.Version,
                    recordedAt = r.Envelope.RecordedAt,
                    type = r.Envelope.Type,
                    actorId = r.Envelope.ActorId,
                    actor = r.Envelope.ActorName,
                    key = r.Event?.Key,
                    change = History.Change(r.Event, r.Envelope.Type),
                    // The chat message or interaction that caused the change (empty for events stored before it was kept).
                    correlationId = r.Envelope.CorrelationId,
                    causationId = r.Envelope.CausationId,
                }), EventCodec.Json));
                return 0;
            }
            if (rows.Count == 0)
            {
                Console.WriteLine($"No remember history for guild {guildId}.");
                return 0;
            }
            var table = new Table().AddColumns("when (UTC)", "key", "version", "who", "change");
            foreach (var (e, @event) in rows)
                table.AddRow(e.RecordedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), Markup.Escape(@event?.Key ?? "?"),
                    $"v{e.Version}", Markup.Escape(e.ActorName), Markup.Escape(History.Change(@event, e.Type)));
            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }
}
