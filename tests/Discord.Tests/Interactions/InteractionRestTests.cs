using System.Text.Json;
using System.Text.Json.Nodes;
using EventBot.Discord.Interactions;
using EventBot.Discord.Rest;
using EventBot.Discord.Tests.Fake;
using EventBot.Discord.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using static EventBot.Discord.Tests.Fake.FakeInteractions;

namespace EventBot.Discord.Tests.Interactions;

/// <summary>Callbacks, edits of @original and follow-ups against the fake, with the JSON the docs prescribe.</summary>
public sealed class InteractionRestTests
{
    private const string NoMentions = """{"parse":[]}""";
    private static int _next = 100;

    private static (DiscordInteraction Interaction, string Token) New(TestDiscord discord, JsonObject? json = null)
    {
        json ??= Command($"7000000000000{Interlocked.Increment(ref _next):00000}", "remember");
        discord.Server.RegisterInteraction(json);
        using var doc = JsonDocument.Parse(json.ToJsonString());
        var interaction = DiscordInteractionJson.Parse(doc.RootElement);
        return (interaction, interaction.Token);
    }

    private static readonly InteractionMessage Page = new(
        "Page 1",
        [new DiscordEmbed("History of `meeting`", "v1 tomorrow", [])],
        [new DiscordActionRow([new DiscordButton("h|meeting|0|17", "◀", Disabled: true), new DiscordButton("h|meeting|2|17", "▶", Style: 1)])],
        Ephemeral: true);

    [Fact]
    public async Task ChannelMessage_IsPostedToTheCallbackRoute_WithoutTheBotToken_AsTheDocsWriteIt()
    {
        await using var discord = await TestDiscord.StartAsync();
        var (interaction, token) = New(discord);

        await discord.Rest.RespondAsync(interaction, new InteractionResponse(InteractionCallbackType.ChannelMessageWithSource, Page), CancellationToken.None);

        var call = Assert.Single(discord.Server.InteractionCalls);
        Assert.Equal((FakeInteractionCallKind.Callback, interaction.Id, token), (call.Kind, call.InteractionId, call.Token));
        Assert.Equal("", call.Authorization);
        AssertJson("""
            {"type":4,"data":{"content":"Page 1","embeds":[{"title":"History of `meeting`","description":"v1 tomorrow"}],
             "components":[{"type":1,"components":[{"type":2,"style":2,"label":"◀","custom_id":"h|meeting|0|17","disabled":true},
                                                   {"type":2,"style":1,"label":"▶","custom_id":"h|meeting|2|17","disabled":false}]}],
             "flags":64,"allowed_mentions":{"parse":[]}}}
            """, call.Body);
    }

    [Fact]
    public async Task Deferral_ThenEditOfOriginal_ThenFollowUp_AllWithParseEmpty()
    {
        await using var discord = await TestDiscord.StartAsync();
        var (interaction, token) = New(discord);

        await discord.Rest.RespondAsync(interaction, new InteractionResponse(InteractionCallbackType.DeferredChannelMessageWithSource, new InteractionMessage(null, Ephemeral: true)), CancellationToken.None);
        await discord.Rest.EditOriginalAsync(interaction.ApplicationId, token, Page, CancellationToken.None);
        await discord.Rest.FollowUpAsync(interaction.ApplicationId, token, new InteractionMessage("@everyone still here", Ephemeral: true), CancellationToken.None);

        var calls = discord.Server.InteractionCalls;
        Assert.Equal([FakeInteractionCallKind.Callback, FakeInteractionCallKind.EditOriginal, FakeInteractionCallKind.FollowUp], calls.Select(c => c.Kind));
        Assert.Equal("""{"type":5,"data":{"allowed_mentions":{"parse":[]},"flags":64}}""", JsonSerializer.Serialize(calls[0].Body, Compact));
        var edit = calls[1].Body;
        Assert.Equal("Page 1", edit.GetProperty("content").GetString());
        Assert.False(edit.TryGetProperty("flags", out _), "an edit cannot change ephemerality: no flags");
        Assert.Equal(2, edit.GetProperty("components")[0].GetProperty("components").GetArrayLength());
        Assert.Equal(NoMentions, edit.GetProperty("allowed_mentions").GetRawText());
        var followUp = calls[2].Body;
        Assert.Equal(64, followUp.GetProperty("flags").GetInt32());
        Assert.Equal(NoMentions, followUp.GetProperty("allowed_mentions").GetRawText());
        Assert.All(calls, c => Assert.Equal(token, c.Token));
        Assert.All(calls, c => Assert.Equal("", c.Authorization));
        var paths = discord.Server.Requests.Select(r => r.Path).ToArray();
        Assert.Equal($"/api/v10/webhooks/{FakeDiscordServer.DefaultApplicationId}/{token}/messages/@original", paths[1]);
        Assert.Equal($"/api/v10/webhooks/{FakeDiscordServer.DefaultApplicationId}/{token}", paths[2]);
    }

    [Fact]
    public async Task UpdateMessage_CarriesNoFlags_AndEmptyComponentsRemoveTheButtons()
    {
        await using var discord = await TestDiscord.StartAsync();
        var (interaction, _) = New(discord, Button("700000000000000301", "h|meeting|2|17"));

        await discord.Rest.RespondAsync(interaction, new InteractionResponse(InteractionCallbackType.UpdateMessage, new InteractionMessage("done", Components: [], Ephemeral: true)), CancellationToken.None);

        Assert.Equal("""{"type":7,"data":{"content":"done","components":[],"allowed_mentions":{"parse":[]}}}""",
            JsonSerializer.Serialize(Assert.Single(discord.Server.Callbacks).Body, Compact));
    }

    [Fact]
    public async Task AutocompleteChoices_AreStrings_OrNumbersForAnIntegerOption()
    {
        await using var discord = await TestDiscord.StartAsync();
        var (keys, _) = New(discord, Autocomplete("700000000000000302", "remember", Options(SubCommand("get", Text("key", "me", focused: true)))));
        var (versions, _) = New(discord, Autocomplete("700000000000000303", "remember",
            Options(SubCommand("restore", Text("key", "meeting"), Option("version", 4, "", focused: true)))));

        await discord.Rest.RespondAsync(keys, new InteractionResponse(InteractionCallbackType.ApplicationCommandAutocompleteResult, Choices: [new("meeting", "meeting")]), CancellationToken.None);
        await discord.Rest.RespondAsync(versions, new InteractionResponse(InteractionCallbackType.ApplicationCommandAutocompleteResult, Choices: [new("v3 · \"old\" · 2 days ago", "3")]), CancellationToken.None);

        var bodies = discord.Server.Callbacks.Select(c => JsonSerializer.Serialize(c.Body, Compact)).ToArray();
        Assert.Equal("""{"type":8,"data":{"choices":[{"name":"meeting","value":"meeting"}]}}""", bodies[0]);
        Assert.Equal("""{"type":8,"data":{"choices":[{"name":"v3 · \"old\" · 2 days ago","value":3}]}}""", bodies[1]);
    }

    [Fact]
    public async Task UnknownInteraction10062_ThrowsExpired_AndIsNotRetried()
    {
        await using var discord = await TestDiscord.StartAsync();
        var (interaction, token) = New(discord);
        discord.Server.ExpireInteraction(interaction.Id);

        var error = await Assert.ThrowsAsync<DiscordInteractionExpiredException>(() =>
            discord.Rest.RespondAsync(interaction, new InteractionResponse(InteractionCallbackType.ChannelMessageWithSource, new InteractionMessage("late")), CancellationToken.None));

        Assert.Single(discord.Server.Callbacks);
        Assert.Contains("10062", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(token, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EditAfterTheTokenExpired_ThrowsExpired_AndDoesNotPoisonTheBotToken()
    {
        await using var discord = await TestDiscord.StartAsync();
        var (interaction, token) = New(discord);
        await discord.Rest.RespondAsync(interaction, new InteractionResponse(InteractionCallbackType.DeferredChannelMessageWithSource), CancellationToken.None);
        discord.Server.ExpireInteraction(interaction.Id);

        await Assert.ThrowsAsync<DiscordInteractionExpiredException>(() =>
            discord.Rest.EditOriginalAsync(interaction.ApplicationId, token, new InteractionMessage("too late"), CancellationToken.None));

        // The webhook's 401 is about the interaction token, not the bot's: bot-token calls still go out.
        await discord.Rest.GetCurrentUserAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Callback429_IsRetriedAfterRetryAfter_InItsOwnBucket()
    {
        await using var discord = await TestDiscord.StartAsync();
        var (interaction, token) = New(discord);
        discord.Server.EnqueueCallback(FakeRestResponse.RateLimited(2.5, bucket: "fake-interaction-callback"));

        await discord.Rest.RespondAsync(interaction, new InteractionResponse(InteractionCallbackType.ChannelMessageWithSource, new InteractionMessage("hi")), CancellationToken.None);

        var calls = discord.Server.Callbacks.ToArray();
        Assert.Equal(2, calls.Length);
        Assert.True(calls[1].ReceivedAt - calls[0].ReceivedAt >= TimeSpan.FromSeconds(2.3), $"retried after {calls[1].ReceivedAt - calls[0].ReceivedAt}");
        var limited = Assert.Single(discord.Logs.Entries, e => e.EventId == 2002);
        Assert.Contains("/interactions/{interaction_id}/{interaction_token}/callback", limited.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(token, discord.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Callbacks_AreOutsideTheGlobalLimit_AndStillWorkAfterTheBotTokenFailed()
    {
        await using var discord = await TestDiscord.StartAsync();
        var reply = new InteractionResponse(InteractionCallbackType.ChannelMessageWithSource, new InteractionMessage("now"));
        // The fake's first callback is slow (its route is compiled then); a stall would look like a wait.
        await discord.Rest.RespondAsync(New(discord).Interaction, reply, CancellationToken.None);
        // A global 429 of 100 s (1 s real) on a message: every bot-token route waits, interactions do not.
        discord.Server.EnqueueRest(FakeRestResponse.RateLimited(100, global: true));
        var message = discord.Rest.SendReplyAsync("300000000000000003", "500000000000000005", "hi", null, CancellationToken.None);
        await Wait.UntilAsync(() => discord.Logs.Entries.Any(e => e.EventId == 2002));
        var (interaction, _) = New(discord);

        await discord.Rest.RespondAsync(interaction, reply, CancellationToken.None);
        var answeredAt = discord.Server.Callbacks.Last().ReceivedAt;
        await message;

        var retriedAt = discord.Server.MessageRequests.Last().ReceivedAt;
        Assert.True(answeredAt < retriedAt, $"the callback came {answeredAt - retriedAt} after the message's retry: it waited for the global limit");
        discord.Server.EnqueueRest(FakeRestResponse.Unauthorized());
        await Assert.ThrowsAsync<DiscordAuthenticationException>(() => discord.Rest.GetCurrentUserAsync(CancellationToken.None));
        var (second, token) = New(discord);
        await discord.Rest.RespondAsync(second, new InteractionResponse(InteractionCallbackType.DeferredChannelMessageWithSource), CancellationToken.None);
        await discord.Rest.EditOriginalAsync(second.ApplicationId, token, new InteractionMessage("edited"), CancellationToken.None);
        Assert.Equal(4, discord.Server.InteractionCalls.Count);
    }

    [Fact]
    public async Task ASlowCallback_IsWaitedFor_AndTheCallersTokenBoundsIt()
    {
        await using var discord = await TestDiscord.StartAsync();
        var (slow, _) = New(discord);
        var (hung, _) = New(discord);
        var reply = new InteractionResponse(InteractionCallbackType.ChannelMessageWithSource, new InteractionMessage("hi"));
        discord.Server.EnqueueCallback(FakeRestResponse.Slow(TimeSpan.FromMilliseconds(300)));

        await discord.Rest.RespondAsync(slow, reply, CancellationToken.None);
        discord.Server.EnqueueCallback(FakeRestResponse.Slow(TimeSpan.FromSeconds(60)));
        using var budget = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => discord.Rest.RespondAsync(hung, reply, budget.Token));

        Assert.Equal(2, discord.Server.Callbacks.Count());
    }

    [Fact]
    public async Task A5xxAfterTheCallbackWasApplied_ThenAlreadyAcknowledged_CountsAsDone()
    {
        await using var discord = await TestDiscord.StartAsync();
        var (interaction, _) = New(discord);
        discord.Server.EnqueueCallback(FakeRestResponse.ServerErrorAfterApplying());

        await discord.Rest.RespondAsync(interaction, new InteractionResponse(InteractionCallbackType.ChannelMessageWithSource, new InteractionMessage("once")), CancellationToken.None);

        Assert.Equal(2, discord.Server.Callbacks.Count());
        Assert.Contains(discord.Logs.Entries, e => e.EventId == 2005);
    }

    [Fact]
    public async Task AlreadyAcknowledged_WithoutARetry_IsAnError()
    {
        await using var discord = await TestDiscord.StartAsync();
        var (interaction, _) = New(discord);
        var response = new InteractionResponse(InteractionCallbackType.ChannelMessageWithSource, new InteractionMessage("once"));
        await discord.Rest.RespondAsync(interaction, response, CancellationToken.None);

        var error = await Assert.ThrowsAsync<DiscordRestException>(() => discord.Rest.RespondAsync(interaction, response, CancellationToken.None));

        Assert.Equal(40060, error.DiscordErrorCode);
    }

    [Fact]
    public async Task OverLongContentOrTooManyChoices_FailHere_BeforeAnythingIsSent()
    {
        await using var discord = await TestDiscord.StartAsync();
        var (interaction, _) = New(discord);

        await Assert.ThrowsAsync<ArgumentException>(() => discord.Rest.RespondAsync(interaction,
            new InteractionResponse(InteractionCallbackType.ChannelMessageWithSource, new InteractionMessage(new string('x', 2001))), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => discord.Rest.RespondAsync(interaction,
            new InteractionResponse(InteractionCallbackType.ApplicationCommandAutocompleteResult, Choices: [.. Enumerable.Range(0, 26).Select(i => new AutocompleteChoice($"k{i}", $"k{i}"))]), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => discord.Rest.RespondAsync(interaction,
            new InteractionResponse(InteractionCallbackType.ChannelMessageWithSource, new InteractionMessage("x", Components: [new DiscordActionRow([new DiscordButton(new string('c', 101), "▶")])])), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => discord.Rest.EditOriginalAsync(interaction.ApplicationId, "../../channels/1/messages", new InteractionMessage("x"), CancellationToken.None));

        Assert.Empty(discord.Server.InteractionCalls);
    }

    [Fact]
    public void RouteKeysAndNames_NeverHoldTheToken()
    {
        const string token = "aW50ZXJhY3Rpb246.s3cr3t-route-token";
        DiscordRoute[] routes = [DiscordRoute.InteractionCallback("700000000000000001", token), DiscordRoute.EditOriginal("110000000000000011", token), DiscordRoute.FollowUp("110000000000000011", token)];

        Assert.All(routes, r => Assert.Contains(token, r.Path, StringComparison.Ordinal)); // it must go somewhere: the path
        Assert.All(routes, r => Assert.DoesNotContain(token, r.Key + r.TemplateKey + r.ToString(), StringComparison.Ordinal));
        Assert.NotEqual(DiscordRoute.EditOriginal("110000000000000011", token).Key, DiscordRoute.EditOriginal("110000000000000011", token + "x").Key);
    }

    [Fact]
    public async Task InteractionBuckets_ArePruned_OnceExpired_WithOrWithoutLimitHeaders()
    {
        var time = new FakeTimeProvider();
        var limiter = new RestRateLimiter(time);
        using var limited = new HttpResponseMessage();
        limited.Headers.Add("X-RateLimit-Remaining", "4");
        limited.Headers.Add("X-RateLimit-Reset-After", "1.000");
        using var bare = new HttpResponseMessage();
        // First answers with limit headers, then answers without (their state comes from waiting alone).
        for (var i = 0; i < 6 * RestRateLimiter.PruneThreshold; i++)
        {
            var route = DiscordRoute.InteractionCallback($"70000000000{i:0000000}", "t");
            using (await limiter.AcquireAsync(route, (_, _) => { }, CancellationToken.None))
                limiter.Update(route, i < 3 * RestRateLimiter.PruneThreshold ? limited.Headers : bare.Headers);
            time.Advance(TimeSpan.FromMilliseconds(10));
        }

        Assert.InRange(limiter.BucketCount, 1, RestRateLimiter.PruneThreshold + 1);
    }

    /// <summary>Exact JSON, property order included; <paramref name="expected"/> may be laid out on several lines.</summary>
    private static void AssertJson(string expected, JsonElement actual) =>
        Assert.Equal(JsonNode.Parse(expected)!.ToJsonString(Compact), JsonSerializer.Serialize(actual, Compact));

    private static readonly JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
