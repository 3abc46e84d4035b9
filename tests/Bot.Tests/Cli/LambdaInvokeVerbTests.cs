using EventBot.Bot.Cli;
using EventBot.EventStore.DynamoDb;
using EventBot.Lambda.Tests;
using EventBot.Testing;

namespace EventBot.Bot.Tests.Cli;

/// <summary>
/// The deployment check a user runs: a bot that does not project (EVENTBOT_PROJECTOR=off) writes events; the
/// <c>lambda invoke</c> verb feeds a Lambda-shaped batch of the stream's real records to the function, created the
/// way the runtime creates it; the bot then recalls the values.
/// </summary>
[Collection(DynamoDbLocalFixture.Collection)]
public sealed class LambdaInvokeVerbTests(DynamoDbLocalFixture dynamo) : IDisposable
{
    private readonly BotRunner _bot = new();
    private readonly string _eventFile = Path.Combine(Path.GetTempPath(), $"eventbot-lambda-{Guid.NewGuid():N}.json");

    [Fact]
    public async Task Lambda_invoke_on_real_stream_records_updates_the_read_models_the_bot_recalls()
    {
        var prefix = $"t{Guid.NewGuid():N}-";
        var environment = DynamoDbBot.Environment(dynamo, prefix);
        environment["EVENTBOT_PROJECTOR"] = "off";
        environment["EVENTBOT_READ_YOUR_WRITES_MS"] = "100";
        // The writes reply at once; the read after them waits its 100 ms for a projector that is not there, then says so.
        var saved = await _bot.RunAsync(".remember wifi is hunter2\n.remember lunch is pizza\n.remember wifi is correct horse\n.remember wifi\n", extra: environment);
        var before = await _bot.RunAsync(".remember wifi\n", extra: environment);
        var records = await LambdaStreamEvents.ReadRecordsAsync(dynamo, EventBotTables.EventsTableName(prefix));
        await File.WriteAllTextAsync(_eventFile, LambdaStreamEvents.LambdaEvent(records));

        // The function reveals with the bot's master key (docs/privacy.md): on AWS EVENTBOT_KMS_KEY_ID, here its key file.
        Environment.SetEnvironmentVariable("EVENTBOT_KEY_FILE", Path.Combine(_bot.DataDir, "eventbot.key"));
        var (exit, output) = await InvokeVerbAsync(prefix, "lambda", "invoke", _eventFile);
        Environment.SetEnvironmentVariable("EVENTBOT_KEY_FILE", null);

        Assert.Contains("still catching up", saved, StringComparison.Ordinal);
        Assert.Equal("Nothing remembered for `wifi`\n", before);
        Assert.Equal(6, records.Count); // three events, each with its idempotency marker
        Assert.Equal(0, exit);
        Assert.Equal("""{"batchItemFailures":[]}""", output.Trim());
        Assert.Equal("`wifi` is correct horse\n`lunch` is pizza\n", await _bot.RunAsync(".remember wifi\n.remember lunch\n", extra: environment));
    }

    [Fact]
    public async Task Lambda_invoke_of_a_file_that_is_not_an_event_fails_with_a_reason()
    {
        await File.WriteAllTextAsync(_eventFile, """{"not":"an event"}""");
        DynamoDbBot.Environment(dynamo);

        var (exit, output) = await InvokeVerbAsync($"t{Guid.NewGuid():N}-", "lambda", "invoke", _eventFile);

        Assert.Equal(1, exit);
        Assert.Equal("", output);
    }

    /// <summary>Runs a verb as the process would, with EVENTBOT_TABLE_PREFIX in the environment (the function reads only that).</summary>
    private static async Task<(int Exit, string Output)> InvokeVerbAsync(string prefix, params string[] args)
    {
        var stdout = System.Console.Out;
        using var captured = new StringWriter();
        Environment.SetEnvironmentVariable("EVENTBOT_TABLE_PREFIX", prefix);
        System.Console.SetOut(captured);
        try
        {
            var exit = await Verbs.Build().Parse(args).InvokeAsync();
            return (exit, captured.ToString());
        }
        finally
        {
            System.Console.SetOut(stdout);
            Environment.SetEnvironmentVariable("EVENTBOT_TABLE_PREFIX", null);
        }
    }

    public void Dispose()
    {
        _bot.Dispose();
        File.Delete(_eventFile);
    }
}
