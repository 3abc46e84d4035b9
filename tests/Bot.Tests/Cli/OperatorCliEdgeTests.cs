using System.Text.Json;
using EventBot.Bot.Cli;
using EventBot.Bot.Hosting;
using EventBot.EventStore;
using EventBot.Projections.Core;
using EventBot.Projections.Replay;
using EventBot.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace EventBot.Bot.Tests.Cli;

/// <summary>
/// What an operator trips over: cut output that says so, names as typed, stores never created by reading, honest
/// rates, a seed that validates, results alone on standard output in 80 columns, AWS errors that say where.
/// </summary>
[Collection(DynamoDbLocalFixture.Collection)]
public sealed class OperatorCliEdgeTests(DynamoDbLocalFixture dynamo) : IDisposable
{
    private readonly BotRunner _bot = new();

    private Task<(int Exit, string Out, string Error)> RunAsync(params string[] args) =>
        CliRunner.RunAsync(new Dictionary<string, string?> { ["EVENTBOT_DATA_DIR"] = _bot.DataDir }, args);

    [Theory]
    [InlineData("history", "--guild", "ops")]
    [InlineData("projections", "status")]
    [InlineData("projections", "errors")]
    [InlineData("replay", "--verify")]
    public async Task A_read_on_a_missing_data_dir_names_it_and_creates_nothing(params string[] args)
    {
        var (exit, output, error) = await RunAsync(args);

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.StartsWith($"eventbot: no event store in {Path.GetFullPath(_bot.DataDir)}", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_bot.DataDir));
    }

    [Fact]
    public async Task History_names_an_unknown_server_or_key_as_typed()
    {
        await _bot.RunAsync(".remember lunch is pizza\n", guild: "ops");

        var (guildExit, _, guildError) = await RunAsync("history", "--guild", "opps");
        var (keyExit, _, keyError) = await RunAsync("history", "--guild", "ops", "--key", "lunchh");

        Assert.Equal(1, guildExit);
        Assert.Equal("eventbot: no events at all in server \"opps\" (read as a console server's name): check the spelling, or give the Discord server id\n", guildError);
        Assert.Equal(1, keyExit);
        Assert.Equal("eventbot: nothing was ever remembered for key \"lunchh\" in server \"ops\" (read as a console server's name)\n", keyError);
    }

    [Fact]
    public async Task History_json_says_when_it_is_cut_and_gives_each_change_as_fields()
    {
        await _bot.RunAsync(".remember lunch is pizza\n.remember lunch is sushi\n.forget lunch\n", user: "alice", guild: "ops");

        var (exit, output, error) = await RunAsync("history", "--guild", "ops", "--key", "lunch", "--limit", "2", "--json");
        var (_, whole, wholeError) = await RunAsync("history", "--guild", "ops", "--json");

        Assert.Equal(0, exit);
        Assert.Equal("eventbot: showing the newest 2 changes of 3; there are more: --limit N shows up to 10,000\n", error);
        using var json = JsonDocument.Parse(output);
        Assert.True(json.RootElement.GetProperty("truncated").GetBoolean());
        Assert.Equal(3, json.RootElement.GetProperty("total").GetInt32());
        var changes = json.RootElement.GetProperty("changes");
        Assert.Equal(2, changes.GetArrayLength());
        var (forget, change) = (changes[0], changes[1]);
        Assert.Equal(("forgotten", "sushi", JsonValueKind.Null, 3L, "alice"),
            (forget.GetProperty("kind").GetString(), forget.GetProperty("old").GetString(), forget.GetProperty("new").ValueKind, forget.GetProperty("version").GetInt64(), forget.GetProperty("actor").GetString()));
        Assert.Equal(("changed", "pizza", "sushi", 2L), (change.GetProperty("kind").GetString(), change.GetProperty("old").GetString(), change.GetProperty("new").GetString(), change.GetProperty("version").GetInt64()));
        Assert.True(change.TryGetProperty("at", out _));
        using var all = JsonDocument.Parse(whole);
        Assert.False(all.RootElement.GetProperty("truncated").GetBoolean());
        Assert.Equal("", wholeError);
    }

    [Fact]
    public async Task Seed_has_help_validates_and_needs_a_count()
    {
        var (helpExit, help, _) = await RunAsync("seed", "--help");
        var (negativeExit, _, negative) = await RunAsync("seed", "--events", "-3");
        var (bareExit, _, bare) = await RunAsync("seed");

        Assert.Equal(0, helpExit);
        Assert.Contains("--events <events> (REQUIRED)", help, StringComparison.Ordinal);
        Assert.Equal(1, negativeExit);
        Assert.Equal("eventbot: --events must be from 1 to 100,000,000, not -3\n", negative);
        Assert.NotEqual(0, bareExit);
        Assert.Contains("Option '--events' is required.", bare, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_bot.DataDir)); // nothing seeded
    }

    [Fact]
    public void Replay_reports_the_rate_of_its_work_not_of_the_settle_wait()
    {
        var run = new RebuildResult(25, TimeSpan.FromSeconds(4.2), false, [], [], Settled: TimeSpan.FromSeconds(4.0));
        var resumed = new RebuildResult(25, TimeSpan.FromSeconds(4.1), true, [], [], DoneBefore: 25, Settled: TimeSpan.FromSeconds(4.0));

        Assert.Equal(125, ReplayVerb.WorkRate(run), precision: 6);
        Assert.Equal("Rebuilt 5 projection(s): 25 events in 0.2 s, 125 events/s.\n  Then 4.0 s waiting for other processes to see the new generation (not work).", ReplayVerb.Summary(run, 5));
        Assert.Equal("Rebuilt 5 projection(s) (resumed: 25 events were done before): no events were left to replay.\n  Then 4.0 s waiting for other processes to see the new generation (not work).", ReplayVerb.Summary(resumed, 5));
    }

    [Fact]
    public async Task Replay_prints_only_its_result_on_standard_output_in_80_columns()
    {
        await _bot.RunAsync(".remember lunch is pizza\n", guild: "ops");

        var (exit, output, error) = await RunAsync("replay");

        Assert.Equal(0, exit);
        Assert.StartsWith("Rebuilt 6 projection(s): 1 events in ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("scanning", output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("%", output, StringComparison.Ordinal);
        Assert.All(output.Split('\n'), line => Assert.True(line.Length <= EventBot.Bot.Cli.Cli.Width, line));
        Assert.NotEqual("", error); // the progress went to standard error
    }

    [Fact]
    public async Task Dead_letters_and_drift_fit_80_columns()
    {
        await _bot.RunAsync(".remember k is v\n", guild: "ops");
        await RecordDeadLetterAsync(string.Join(' ', Enumerable.Repeat("the projection could not apply this record because", 6)));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        new EventStore.Sqlite.SqliteDatabase(Path.Combine(_bot.DataDir, "eventbot.db"))
            .Execute("UPDATE views SET body = replace(body, '\"v\"', '\"tampered with by a long, long hand to make a row wider than any terminal\"') WHERE partition LIKE 'remember-values#%'");

        var (errorsExit, errors, _) = await RunAsync("projections", "errors");
        var (verifyExit, drift, _) = await RunAsync("replay", "--verify");

        Assert.Equal((0, 1), (errorsExit, verifyExit));
        Assert.Contains("  error       the projection could not apply", errors, StringComparison.Ordinal);
        Assert.Contains("remember-values: different row", drift, StringComparison.Ordinal);
        Assert.Contains("  live        {", drift, StringComparison.Ordinal);
        Assert.All((errors + drift).Split('\n'), line => Assert.True(line.Length <= EventBot.Bot.Cli.Cli.Width, $"{line.Length}: {line}"));
    }

    [Fact]
    public async Task An_AWS_connection_error_names_the_endpoint_and_tables()
    {
        var (exit, _, error) = await CliRunner.RunAsync(new Dictionary<string, string?>
        {
            ["EVENTBOT_STORE"] = "dynamodb",
            ["EVENTBOT_TABLE_PREFIX"] = "nowhere-",
            ["AWS_REGION"] = "us-east-1",
            ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:1",
            ["AWS_ACCESS_KEY_ID"] = "x",
            ["AWS_SECRET_ACCESS_KEY"] = "x",
        }, "projections", "errors");

        Assert.Equal(1, exit);
        Assert.StartsWith("eventbot: DynamoDB at http://127.0.0.1:1 (us-east-1), tables nowhere-events and nowhere-views: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_DynamoDB_table_is_named()
    {
        var prefix = $"t{Guid.NewGuid():N}-";
        var (exit, _, error) = await CliRunner.RunAsync(new Dictionary<string, string?>
        {
            ["EVENTBOT_STORE"] = "dynamodb",
            ["EVENTBOT_TABLE_PREFIX"] = prefix,
            ["AWS_REGION"] = DynamoDbLocalFixture.Region,
            ["AWS_ENDPOINT_URL"] = dynamo.ServiceUrl.ToString().TrimEnd('/'),
            ["AWS_ACCESS_KEY_ID"] = "test",
            ["AWS_SECRET_ACCESS_KEY"] = "test",
        }, "projections", "errors");

        Assert.Equal(1, exit);
        Assert.EndsWith($": tables {prefix}events and {prefix}views do not exist; create them with `tables create` (or EVENTBOT_CREATE_TABLES=true), or check EVENTBOT_TABLE_PREFIX\n", error, StringComparison.Ordinal);
        Assert.StartsWith($"eventbot: DynamoDB at {dynamo.ServiceUrl.ToString().TrimEnd('/')} (us-east-1)", error, StringComparison.Ordinal);
    }

    private async Task RecordDeadLetterAsync(string error)
    {
        using var host = BotHost.CreateBuilder(new Dictionary<string, string?> { ["EVENTBOT_DATA_DIR"] = _bot.DataDir }).Build();
        var reader = host.Services.GetRequiredService<IEventReader>();
        var envelope = (await reader.ReadGuildHistoryAsync(Domain.Common.GuildId.FromName("ops").ToString(), "remember", 0, 1, default))[0];
        await host.Services.GetRequiredService<DeadLetterStore>().RecordFailureAsync(envelope, "remember-values", new InvalidOperationException(error), DeadLetterPolicy.Standard, default);
    }

    public void Dispose() => _bot.Dispose();
}
