using System.CommandLine;
using System.Diagnostics;
using EventBot.Bot.Hosting;
using EventBot.Domain.Common;
using EventBot.Domain.Remember;
using EventBot.EventStore;
using Microsoft.Extensions.DependencyInjection;

namespace EventBot.Bot.Cli;

/// <summary>
/// <c>seed --events N</c>: appends N remember events (keys with a few versions each, some forgotten) to the
/// configured store, for trying replay on a big store. Appends go through the store (expected versions and
/// idempotency markers as usual), ten events per append.
/// </summary>
public static class SeedVerb
{
    public const int MaxEvents = 100_000_000;

    public static Command Create()
    {
        var events = new Option<int>("--events") { Description = $"How many events to append (required; 1 to {MaxEvents:N0}).", Required = true };
        var guilds = new Option<int>("--guilds") { Description = "Spread over this many console servers seed-0, seed-1, … (default 3; 1 to 1,000).", DefaultValueFactory = _ => 3 };
        var command = new Command("seed", "Append synthetic remember events to the configured store, for trying replay and benchmarks (it adds history: not for a real server's store).") { events, guilds };
        command.SetAction((result, ct) => Cli.GuardAsync(async () =>
        {
            var (total, guildCount) = (result.GetValue(events), result.GetValue(guilds));
            if (total is < 1 or > MaxEvents) return Cli.Fail($"--events must be from 1 to {MaxEvents:N0}, not {total}");
            if (guildCount is < 1 or > 1_000) return Cli.Fail($"--guilds must be from 1 to 1,000, not {guildCount}");
            using var host = BotHost.CreateBuilder().Build();
            var store = host.Services.GetRequiredService<IEventStore>();
            var codec = host.Services.GetRequiredService<EventCodec>();
            var run = Guid.NewGuid().ToString("N")[..8];
            var clock = Stopwatch.StartNew();
            var written = 0;
            for (var k = 0; written < total; k++)
            {
                var guild = GuildId.FromName($"seed-{k % guildCount}");
                var key = MemoryKey.Parse($"seed {run} key {k}");
                var count = Math.Min(10, total - written);
                var batch = new List<RememberEvent>(count);
                string? previous = null;
                for (var v = 1; v <= count; v++)
                {
                    if (previous is not null && v % 7 == 0)
                    {
                        batch.Add(new RememberEvent.ValueForgotten(key.Display, previous));
                        previous = null;
                    }
                    else
                    {
                        var value = $"value {v} of key {k}";
                        batch.Add(new RememberEvent.ValueRemembered(key.Display, value, previous));
                        previous = value;
                    }
                }
                var appended = await store.AppendAsync(new StreamName(RememberStream.For(guild, key)), ExpectedVersion.NoStream,
                    [.. batch.Select(e => codec.Encode(e))], new AppendContext(guild.ToString(), "0", "seed", $"seed:{run}:{k}"), ct);
                if (appended is not AppendResult.Appended) return Cli.Fail($"append {k} was refused: {appended}");
                written += count;
                if (k % 1000 == 0) Console.Error.Write($"\rseeded {written:N0} / {total:N0}");
            }
            Console.Error.WriteLine();
            Console.WriteLine($"Seeded {written:N0} events in {clock.Elapsed.TotalSeconds:N1} s.");
            return 0;
        }));
        return command;
    }
}
