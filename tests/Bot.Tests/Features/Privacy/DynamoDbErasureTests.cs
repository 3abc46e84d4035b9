using System.Text;
using Amazon.DynamoDBv2.Model;
using EventBot.Bot.Features.Privacy;
using EventBot.Bot.Hosting;
using EventBot.Bot.Tests.Cli;
using EventBot.Domain.Common;
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
/// AWS_ENDPOINT_URL_KMS): after forget-me, a redaction or a guild purge, a Scan of every table and every record of the
/// events table's stream hold nothing of what was erased; others are unchanged but for the erased name;
/// <c>replay --verify</c> agrees. The erasing process only destroys keys and appends the erasure event; the projector
/// (the bot's own poller, or a separate <c>projector</c> process) re-projects the views before the erasure answers.
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

    /// <summary>
    /// <c>replay</c> on DynamoDB keeps two generation slots per projection and overwrites the one not live
    /// (<see cref="Rebuilder.ReuseSlots"/>): after two replays the inactive slot holds every row as of the first, revealed
    /// then. The erasure's re-projection must bring that slot to the erased state too, or a raw Scan still shows the user.
    /// </summary>
    [Fact]
    public async Task After_two_replays_forget_me_leaves_nothing_in_the_inactive_slot_and_the_slot_is_reused()
    {
        _environment["EVENTBOT_READ_YOUR_WRITES_MS"] = "60000";
        await using var h = await StartBotAsync(_environment);
        var zebId = BotHarness.User(Zeb).Id.ToString();
        await h.SayAsync(".remember wifi is hunter2", user: Zeb);
        await h.SayAsync($".sparkle @alice {ZebReason}", user: Zeb);
        await h.SayAsync($".sparkle @{Zeb} for the knots", user: "alice");
        await h.SayAsync(".play coin heads", user: Zeb);
        Assert.Contains(Zeb, await h.SayAsync(".show sparkles @alice", user: "alice"));
        for (var i = 0; i < 2; i++)
        {
            var (replayed, _, failed) = await CliRunner.RunAsync(_environment, "replay");
            Assert.True(replayed == 0, failed);
        }
        var slots = await ViewsAsync();
        // Both slots of the pair hold Zeb's rows (the check can fail): the live one, and the one left by the first replay.
        Assert.Equal(2, slots.Where(r => r.Projection == "sparkle-totals" && r.Sort == zebId).Select(r => r.Generation).Distinct().Count());
        Assert.Contains(slots, r => !r.Active && r.Body.Contains("zebsecret", StringComparison.Ordinal));

        await h.SayAsync(".privacy forget-me", user: Zeb);
        var done = await h.SayAsync(".privacy forget-me confirm", user: Zeb);

        Assert.StartsWith("You are forgotten", done);
        Assert.DoesNotContain("still show it", done);
        var views = await ViewsAsync();
        Assert.Contains(views, r => !r.Active); // the inactive slot is still there, for the next replay to reuse
        var dump = string.Join("\n", views.Select(r => $"{r.Partition}|{r.Sort}|{r.Body}|{r.AppliedText}"));
        foreach (var secret in new[] { zebId, Zeb, ZebReason, "zebsecret" })
            Assert.DoesNotContain(secret, dump);
        var stored = await EverythingStoredAsync();
        foreach (var secret in new[] { zebId, Zeb, ZebReason, "zebsecret" })
            Assert.DoesNotContain(secret, stored);

        var (exit, _, error) = await CliRunner.RunAsync(_environment, "replay", "--verify");
        Assert.True(exit == 0, error);
        var before = ActiveRows(views);
        var (again, output, againError) = await CliRunner.RunAsync(_environment, "replay");
        Assert.True(again == 0, againError);
        var after = await ViewsAsync();
        Assert.Equal(before, ActiveRows(after));
        // The slot was reused: the generations in use are still the same two.
        Assert.Equal(views.Select(r => r.Generation).Distinct().Order(), after.Select(r => r.Generation).Distinct().Order());
        Assert.DoesNotContain(Zeb, string.Join("\n", after.Select(r => r.Body)) + output);
    }

    private sealed record StoredView(string Projection, long Generation, bool Active, string Partition, string Sort, string Body, string AppliedText);

    /// <summary>The rows of the active generations as a replay makes them (generation and revision left out), in key order.</summary>
    private static List<string> ActiveRows(IEnumerable<StoredView> rows) =>
        [.. rows.Where(r => r.Active).Select(r => $"{r.Projection}|{r.Partition}|{r.Sort}|{r.Body}|{r.AppliedText}").Order(StringComparer.Ordinal)];

    /// <summary>Every read-model row of the views table, by a raw Scan, with whether its generation is the active one.</summary>
    private async Task<List<StoredView>> ViewsAsync()
    {
        var items = new List<Dictionary<string, AttributeValue>>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await dynamo.Client.ScanAsync(new ScanRequest { TableName = EventBotTables.ViewsTableName(_prefix), ConsistentRead = true, ExclusiveStartKey = start });
            items.AddRange(page.Items);
            start = page.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (start is not null);
        var active = items.Where(i => i[EventBotTables.Pk].S == "meta#values" && i[EventBotTables.Sk].S.StartsWith("generation/", StringComparison.Ordinal))
            .ToDictionary(i => i[EventBotTables.Sk].S["generation/".Length..], i => long.Parse(i["value"].S, System.Globalization.CultureInfo.InvariantCulture));
        var rows = new List<StoredView>();
        foreach (var item in items)
        {
            var parts = item[EventBotTables.Pk].S.Split('#', 3);
            if (parts.Length != 3 || !long.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var generation) || !item.ContainsKey("body")) continue;
            var applied = item.TryGetValue("applied", out var map) && map.M is not null
                ? string.Join(",", map.M.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value.N}"))
                : "";
            rows.Add(new StoredView(parts[0], generation, active.GetValueOrDefault(parts[0], 1) == generation, parts[2], item[EventBotTables.Sk].S, item["body"].S, applied));
        }
        return rows;
    }

    private static Task<BotHarness> StartBotAsync(Dictionary<string, string?> environment) =>
        BotHarness.StartAsync(environment, fakeTime: false);

    [Fact]
    public async Task After_a_redaction_no_table_and_no_stream_record_holds_the_value()
    {
        _environment["EVENTBOT_READ_YOUR_WRITES_MS"] = "60000"; // generous: a loaded machine, and the reply waits for the re-projection
        await using var h = await StartBotAsync(_environment);
        await h.SayAsync(".remember door code is 8642-zebold", user: "alice");
        await h.SayAsync(".remember door code is 1357-zebcurrent", user: "alice");
        await h.SayAsync(".remember lunch is pizza", user: "alice");
        Assert.Equal("`door code` is 1357-zebcurrent", await h.SayAsync(".remember door code", user: "alice"));
        Assert.Contains("1357-zebcurrent", await EverythingStoredAsync()); // the current value's row holds it: the check can fail

        var old = await h.SayAsync(".remember redact door code 1", user: "mod");
        var current = await h.SayAsync(".remember redact door code 2", user: "mod");

        Assert.StartsWith("Redacted v1", old);
        Assert.StartsWith("Redacted v2", current);
        Assert.DoesNotContain("still show it", old + current); // the projector had re-projected before the answer
        var stored = await EverythingStoredAsync();
        Assert.DoesNotContain("8642-zebold", stored);
        Assert.DoesNotContain("1357-zebcurrent", stored);
        Assert.Contains("was redacted", await h.SayAsync(".remember door code", user: "alice"));
        Assert.Equal("`lunch` is pizza", await h.SayAsync(".remember lunch", user: "alice"));

        var (exit, _, error) = await CliRunner.RunAsync(_environment, "replay", "--verify");
        Assert.True(exit == 0, error);
    }

    [Fact]
    public async Task After_a_guild_purge_nothing_of_it_is_readable_and_other_guilds_are_intact()
    {
        _environment["EVENTBOT_READ_YOUR_WRITES_MS"] = "60000";
        await using var h = await StartBotAsync(_environment);
        var other = GuildId.FromName("other-server");
        const string Purged = "Purgatoriusquux";
        await h.SayAsync(".remember wifi is hunter2-purgeme", user: Purged);
        await h.SayAsync(".sparkle @alice for the purgereason", user: Purged);
        await h.SayAsync($".sparkle @{Purged} for the other purgereason", user: "alice");
        await h.SayAsync(".play coin heads", user: Purged);
        await h.SayAsync(".remember lunch is pizza-keepme", user: "alice", guild: other);
        await h.SayAsync(".sparkle @carol for the keepreason", user: "alice", guild: other);
        await h.SayAsync(".show sparkles @alice", user: "alice");
        Assert.Contains("keepreason", await h.SayAsync(".show sparkles @carol", user: "carol", guild: other));
        Assert.Contains(Purged, await EverythingStoredAsync()); // the check can fail

        // What GuildRetention runs in the bot process once a removed server's retention is over.
        var purged = await h.Host.Services.GetRequiredService<Erasure>().PurgeGuildAsync(BotHarness.Guild.ToString(), "removed",
            new ErasureActor("retention", "retention", "retention"), CancellationToken.None);

        Assert.True(purged.Rebuilt, "the projector did not re-project the purge in time");
        Assert.True(purged.Keys > 0);
        var stored = await EverythingStoredAsync();
        foreach (var secret in new[] { Purged, BotHarness.User(Purged).Id.ToString(), "hunter2-purgeme", "purgereason" })
            Assert.DoesNotContain(secret, stored);
        // The other server is as it was.
        Assert.Equal("`lunch` is pizza-keepme", await h.SayAsync(".remember lunch", user: "alice", guild: other));
        var carol = await h.SayAsync(".show sparkles @carol", user: "carol", guild: other);
        Assert.Contains("keepreason", carol);
        Assert.Contains("alice", carol);

        var (exit, _, error) = await CliRunner.RunAsync(_environment, "replay", "--verify");
        Assert.True(exit == 0, error);
    }

    /// <summary>
    /// The projector process revealed Zeb's events a moment before, so it holds his keys in its cache (5 minutes) when the
    /// bot destroys them: its re-projection is right only because it forgets its cached keys on the erasure event, and
    /// because the bot destroyed the keys before appending the event.
    /// </summary>
    [Fact]
    public async Task Forget_me_from_chat_with_the_projector_in_its_own_process()
    {
        _environment["EVENTBOT_READ_YOUR_WRITES_MS"] = "60000";
        using var projector = BotHost.CreateBuilder(_environment, projectorOnly: true).Build();
        await projector.StartAsync();
        try
        {
            var bot = new Dictionary<string, string?>(_environment) { ["EVENTBOT_PROJECTOR"] = "off" };
            await using var h = await StartBotAsync(bot);
            var zebId = BotHarness.User(Zeb).Id.ToString();
            await h.SayAsync($".sparkle @alice {ZebReason}", user: Zeb);
            await h.SayAsync($".sparkle @{Zeb} for the knots", user: "alice");
            await h.SayAsync(".play coin heads", user: Zeb);
            await h.SayAsync(".remember wifi is hunter2", user: Zeb);
            Assert.Contains(Zeb, await h.SayAsync(".show sparkles @alice", user: "alice"));
            Assert.Contains(zebId, await EverythingStoredAsync()); // his rows are keyed by his id: the check can fail

            await h.SayAsync(".privacy forget-me", user: Zeb);
            var done = await h.SayAsync(".privacy forget-me confirm", user: Zeb);

            Assert.StartsWith("You are forgotten", done);
            Assert.DoesNotContain("still show it", done); // the projector process had re-projected before the answer
            var stored = await EverythingStoredAsync();
            foreach (var secret in new[] { zebId, Zeb, ZebReason, "zebsecret" })
                Assert.DoesNotContain(secret, stored);
            var aliceSparkles = await h.SayAsync(".show sparkles @alice", user: "alice");
            Assert.Contains("[erased user]", aliceSparkles);
            Assert.Contains("[erased]", aliceSparkles);
            Assert.Contains("[erased user]", await h.SayAsync(".leaderboard sparkles", user: "alice")); // still counted, anonymously
            Assert.Equal("`wifi` is hunter2", await h.SayAsync(".remember wifi", user: "alice"));

            var (exit, _, error) = await CliRunner.RunAsync(_environment, "replay", "--verify");
            Assert.True(exit == 0, error);
        }
        finally
        {
            await projector.StopAsync();
        }
    }
}
