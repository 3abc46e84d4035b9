using System.Text;
using Amazon.DynamoDBv2.Model;
using EventBot.Bot.Tests.Cli;
using EventBot.EventStore;
using EventBot.EventStore.DynamoDb;
using EventBot.Lambda.Tests;
using EventBot.Projections.Core;
using EventBot.Projections.Replay;
using EventBot.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EventBot.Bot.Tests.Features.Privacy;

/// <summary>
/// The acceptance of docs/privacy.md on DynamoDB with KMS (the fake, reached the way the SDK reaches KMS: its
/// AWS_ENDPOINT_URL_KMS): after forget-me, a Scan of every table and every record of the events table's stream hold
/// nothing of the user; others are unchanged but for the erased name; <c>replay --verify</c> agrees.
/// </summary>
[Collection(DynamoDbLocalFixture.Collection)]
public sealed class DynamoDbErasureTests(DynamoDbLocalFixture dynamo) : IAsyncLifetime
{
    private const string Zeb = "Zebdynamoquux";
    private const string ZebReason = "for the dynamo-only zebsecret";
    private FakeKms _kms = null!;
    private readonly string _prefix = $"t{Guid.NewGuid():N}-";
    private Dictionary<string, string?> _environment = null!;

    public async Task InitializeAsync()
    {
        _kms = await FakeKms.StartAsync();
        _environment = DynamoDbBot.Environment(dynamo, _prefix);
        _environment["EVENTBOT_KMS_KEY_ID"] = "alias/eventbot";
        System.Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_KMS", _kms.Url.ToString().TrimEnd('/'));
    }

    public async Task DisposeAsync()
    {
        System.Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_KMS", null);
        await _kms.DisposeAsync();
    }

    private async Task<string> EverythingStoredAsync()
    {
        var text = new StringBuilder();
        foreach (var table in EventBotTables.All(_prefix))
        {
            Dictionary<string, AttributeValue>? start = null;
            do
            {
                var page = await dynamo.Client.ScanAsync(new ScanRequest { TableName = table.TableName, ConsistentRead = true, ExclusiveStartKey = start });
                foreach (var item in page.Items)
                    foreach (var (name, value) in item) text.Append(name).Append('=').Append(value.S ?? value.N ?? "").Append('\n');
                start = page.LastEvaluatedKey is { Count: > 0 } next ? next : null;
            }
            while (start is not null);
        }
        foreach (var record in await LambdaStreamEvents.ReadRecordsAsync(dynamo, EventBotTables.EventsTableName(_prefix)))
            text.Append(record.ToJsonString()).Append('\n');
        return text.ToString();
    }

    [Fact]
    public async Task After_forget_me_no_table_and_no_stream_record_holds_the_user()
    {
        await using var h = await BotHarness.StartAsync(_environment, services => services.AddSingleton(sp => new Rebuilder(sp.GetRequiredService<IEventReader>(),
            sp.GetRequiredService<IViewStore>(), sp.GetRequiredService<EventCodec>(), sp.GetRequiredService<Generations>(),
            sp.GetRequiredService<ProjectionSignals>(), sp.GetRequiredService<ILoggerFactory>())
        { FlipSettle = TimeSpan.Zero, CatchUpFeed = sp.GetService<IRebuildCatchUpFeed>() }), fakeTime: false);
        var zebId = BotHarness.User(Zeb).Id.ToString();
        await h.SayAsync(".remember wifi is hunter2", user: Zeb);
        await h.SayAsync($".sparkle @alice {ZebReason}", user: Zeb);
        await h.SayAsync($".sparkle @{Zeb} for the knots", user: "alice");
        await h.SayAsync(".play coin heads", user: Zeb);
        await h.SayAsync(".show sparkles @alice", user: "alice"); // a read waits until the projector has the server's writes
        Assert.Contains(Zeb, await EverythingStoredAsync()); // the read models hold names while they exist: the check can fail
        Assert.Contains("GenerateDataKey", string.Join(",", _kms.Calls));

        await h.SayAsync(".privacy forget-me", user: Zeb);
        var done = await h.SayAsync(".privacy forget-me confirm", user: Zeb);

        Assert.StartsWith("You are forgotten", done);
        var stored = await EverythingStoredAsync();
        foreach (var secret in new[] { zebId, Zeb, ZebReason, "zebsecret" })
            Assert.DoesNotContain(secret, stored);
        Assert.Equal("`wifi` is hunter2", await h.SayAsync(".remember wifi", user: "alice"));
        var aliceSparkles = await h.SayAsync(".show sparkles @alice", user: "alice");
        Assert.Contains("[erased user]", aliceSparkles);
        Assert.Contains("[erased]", aliceSparkles);

        var (exit, _, error) = await CliRunner.RunAsync(_environment, "replay", "--verify");
        Assert.True(exit == 0, error);
    }
}
