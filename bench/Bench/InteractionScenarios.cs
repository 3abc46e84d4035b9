using System.Diagnostics;
using System.Text.Json;
using EventBot.Bot.Interactions;
using EventBot.Discord;
using EventBot.Discord.Interactions;
using EventBot.EventStore;
using EventBot.EventStore.Sqlite;
using EventBot.Projections.Core;
using EventBot.Projections.Remember;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EventBot.Bench;

/// <summary>
/// Slash commands (issue 15): the time from an interaction received to its first callback ready to send
/// (<see cref="InteractionHandler.StartAsync(DiscordInteraction, CancellationToken)"/>: bind, lane, pipeline, append,
/// read-your-writes, within the 1.5 s budget), and autocomplete over a server with 10,000 keys.
/// </summary>
public static class InteractionScenarios
{
    public const int AutocompleteKeys = 10_000;

    public static async Task<List<BenchMetric>> SqliteAsync(bool quick, string dir, CancellationToken ct)
    {
        // 10,000 keys in the bench server, appended before the host starts; the tail projects them at start.
        using (var store = new SqliteEventStore(new SqliteDatabase(Path.Combine(dir, "eventbot.db")), TimeProvider.System))
        {
            var appends = Enumerable.Range(0, AutocompleteKeys).Select(i =>
            {
                var (stream, data) = BenchData.Remember(EventCodec.Default, BenchData.Guild, $"topic {i} notes", $"value {i}", null);
                return new PendingAppend(stream, ExpectedVersion.NoStream, [data], BenchData.Context(BenchData.Guild, $"seed:{i}"));
            }).ToList();
            foreach (var chunk in appends.Chunk(1_000)) await store.AppendManyAsync(chunk, ct);
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        using var host = SqliteScenarios.BuildHost(new Dictionary<string, string?> { ["EVENTBOT_DATA_DIR"] = dir });
        await host.StartAsync(ct);
        try
        {
            await WaitForKeysAsync(host.Services, AutocompleteKeys, ct);
            var handler = host.Services.GetRequiredService<InteractionHandler>();
            var ack = await AckAsync(handler, quick ? 200 : 2_000, warmUp: 20, ct);
            var suggest = await AutocompleteAsync(handler, quick ? 100 : 1_000, warmUp: 10, ct);
            return
            [
                new("interaction_ack_ms_sqlite_p50", ack.Samples.PercentileMs(50), "ms", null, null, null, "sqlite", ack.Note),
                new("interaction_ack_ms_sqlite_p99", ack.Samples.PercentileMs(99), "ms", null, null, "≤ 250", "sqlite", ack.Note),
                new("autocomplete_ms_p99", suggest.PercentileMs(99), "ms", null, null, "≤ 50", "sqlite",
                    $"/remember get key:<typed> over {AutocompleteKeys:N0} keys in one server: partition Query + fuzzy rank, 25 choices; p50 {suggest.PercentileMs(50):0.0} ms"),
            ];
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    public static async Task<List<BenchMetric>> DynamoDbAsync(bool quick, string dir, IDictionary<string, string?> environment, CancellationToken ct)
    {
        using var host = SqliteScenarios.BuildHost(environment);
        await host.StartAsync(ct);
        try
        {
            var ack = await AckAsync(host.Services.GetRequiredService<InteractionHandler>(), quick ? 15 : 150, warmUp: 5, ct);
            return
            [
                new("interaction_ack_ms_dynamodb_p50", ack.Samples.PercentileMs(50), "ms", null, null, null, "dynamodb", ack.Note),
                new("interaction_ack_ms_dynamodb_p99", ack.Samples.PercentileMs(99), "ms", null, null, "≤ 1,000", "dynamodb", ack.Note),
            ];
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    /// <summary><c>/remember set key:kN value:vN</c> over 100 keys; every first callback is checked to be the saved reply or a deferral.</summary>
    private static async Task<(Samples Samples, string Note)> AckAsync(InteractionHandler handler, int count, int warmUp, CancellationToken ct)
    {
        var samples = new Samples();
        var deferred = 0;
        for (var i = 0; i < warmUp + count; i++)
        {
            var interaction = Command("remember", "set", ("key", $"k{i % 100}"), ("value", $"value {i}"));
            var start = Stopwatch.GetTimestamp();
            var first = await handler.StartAsync(interaction, ct);
            var elapsed = Stopwatch.GetTimestamp() - start;
            if (first.Completion is { } completion)
            {
                deferred++;
                await completion;
            }
            else if (first.First.Message?.Content is not { } content || !(content.StartsWith("Remembered", StringComparison.Ordinal) || content.StartsWith("Updated", StringComparison.Ordinal)))
            {
                throw new InvalidOperationException($"unexpected answer: {first.First.Message?.Content}");
            }
            if (i >= warmUp) samples.Add(elapsed);
        }
        return (samples, $"/remember set, received → first callback ready (type 4 within the 1.5 s budget, else 5), {count} after {warmUp} warm-up{(deferred > 0 ? $", {deferred} deferred" : "")}");
    }

    private static async Task<Samples> AutocompleteAsync(InteractionHandler handler, int count, int warmUp, CancellationToken ct)
    {
        string[] typed = ["", "topic 12", "tpoic 4", "notes", "999", "topic 5000 notes", "zzz"];
        var samples = new Samples();
        for (var i = 0; i < warmUp + count; i++)
        {
            var interaction = Command("remember", "get", ("key", typed[i % typed.Length])) with { Type = InteractionType.ApplicationCommandAutocomplete };
            interaction = interaction with { Data = interaction.Data! with { Options = [Focus(interaction.Data!.Options[0])] } };
            var start = Stopwatch.GetTimestamp();
            var first = await handler.StartAsync(interaction, ct);
            var elapsed = Stopwatch.GetTimestamp() - start;
            if (first.First.Choices is not { Count: <= Autocomplete.MaxChoices }) throw new InvalidOperationException("autocomplete gave no choices list");
            if (i >= warmUp) samples.Add(elapsed);
        }
        return samples;
    }

    private static InteractionOption Focus(InteractionOption subcommand) =>
        subcommand with { Options = [.. subcommand.Options.Select(o => o with { Focused = true })] };

    private static async Task WaitForKeysAsync(IServiceProvider services, int keys, CancellationToken ct)
    {
        var readModels = services.GetRequiredService<ReadModels>();
        var deadline = Stopwatch.StartNew();
        while ((await readModels.QueryAsync(RememberedValues.ProjectionName, BenchData.Guild.ToString(), ct)).Count < keys)
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(5)) throw new TimeoutException($"the read model did not reach {keys:N0} keys");
            await Task.Delay(100, ct);
        }
    }

    private static DiscordInteraction Command(string name, string subcommand, params (string Name, string Value)[] options) =>
        new(Guid.CreateVersion7().ToString("N"), "bench", InteractionType.ApplicationCommand, "bench", BenchData.Guild.ToString(), null,
            new DiscordUser(BenchData.Author.Id.ToString(), BenchData.Author.DisplayName, null, false), null,
            new InteractionData(name, [new InteractionOption(subcommand, ApplicationCommandOptionType.SubCommand, null, false,
                [.. options.Select(o => new InteractionOption(o.Name, ApplicationCommandOptionType.String, JsonSerializer.SerializeToElement(o.Value), false, []))])]));
}
