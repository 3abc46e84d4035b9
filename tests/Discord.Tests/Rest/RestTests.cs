using System.Text.Json;
using EventBot.Discord.Tests.Fake;
using EventBot.Discord.Tests.Support;

namespace EventBot.Discord.Tests;

public sealed class RestTests
{
    private const string Channel = "300000000000000003";
    private const string OtherChannel = "300000000000000099";
    private const string ReplyTo = "500000000000000005";

    [Fact]
    public async Task Reply_SendsAuthUserAgentReferenceAndEmptyAllowedMentions()
    {
        await using var discord = await TestDiscord.StartAsync();
        var embed = new DiscordEmbed("Title", "Body", [new DiscordEmbedField("k", "v", Inline: true)], 0x5865F2);

        await discord.Rest.SendReplyAsync(Channel, ReplyTo, "hello", [embed], CancellationToken.None);

        var request = Assert.Single(discord.Server.MessageRequests);
        Assert.Equal("POST", request.Method);
        Assert.Equal($"/api/v10/channels/{Channel}/messages", request.Path);
        Assert.Equal($"Bot {FakeDiscordServer.DefaultToken}", request.Authorization);
        Assert.Matches(@"^DiscordBot \(https://github\.com/eventbot/eventbot, \d+\.\d+\.\d+\)$", request.UserAgent);
        using var body = JsonDocument.Parse(request.Body);
        var root = body.RootElement;
        Assert.Equal("hello", root.GetProperty("content").GetString());
        Assert.Equal(ReplyTo, root.GetProperty("message_reference").GetProperty("message_id").GetString());
        Assert.False(root.GetProperty("message_reference").GetProperty("fail_if_not_exists").GetBoolean());
        Assert.Equal("""{"parse":[]}""", root.GetProperty("allowed_mentions").GetRawText());
        var sentEmbed = Assert.Single(root.GetProperty("embeds").EnumerateArray());
        Assert.Equal("Title", sentEmbed.GetProperty("title").GetString());
        Assert.Equal("Body", sentEmbed.GetProperty("description").GetString());
        Assert.Equal(0x5865F2, sentEmbed.GetProperty("color").GetInt32());
        var field = Assert.Single(sentEmbed.GetProperty("fields").EnumerateArray());
        Assert.Equal("k", field.GetProperty("name").GetString());
        Assert.True(field.GetProperty("inline").GetBoolean());
    }

    [Theory]
    [InlineData("@everyone look at this")]
    [InlineData("@here <@200000000000000002> <@&800000000000000008>")]
    public async Task AllowedMentions_IsAlwaysParseEmpty_EvenForPingingContent(string content)
    {
        await using var discord = await TestDiscord.StartAsync();

        await discord.Rest.SendReplyAsync(Channel, ReplyTo, content, null, CancellationToken.None);

        using var body = JsonDocument.Parse(Assert.Single(discord.Server.MessageRequests).Body);
        Assert.Equal(content, body.RootElement.GetProperty("content").GetString());
        Assert.Equal("""{"parse":[]}""", body.RootElement.GetProperty("allowed_mentions").GetRawText());
    }

    [Fact]
    public async Task LongContent_IsSentAsSeveralMessages_SplitOnLines_FirstOneReplying()
    {
        await using var discord = await TestDiscord.StartAsync();
        var lines = Enumerable.Range(0, 120).Select(i => $"line {i:D3} " + new string('x', 30)).ToArray();
        var content = string.Join('\n', lines);

        await discord.Rest.SendReplyAsync(Channel, ReplyTo, content, [new DiscordEmbed("t", null, [])], CancellationToken.None);

        var bodies = discord.Server.MessageRequests.Select(r => JsonDocument.Parse(r.Body).RootElement).ToArray();
        Assert.Equal(3, bodies.Length);
        Assert.All(bodies, b => Assert.True(b.GetProperty("content").GetString()!.Length <= 2000));
        Assert.All(bodies, b => Assert.Equal("""{"parse":[]}""", b.GetProperty("allowed_mentions").GetRawText()));
        Assert.True(bodies[0].TryGetProperty("message_reference", out _));
        Assert.False(bodies[1].TryGetProperty("message_reference", out _));
        Assert.False(bodies[0].TryGetProperty("embeds", out _));
        Assert.True(bodies[2].TryGetProperty("embeds", out _));
        Assert.Equal(lines, bodies.SelectMany(b => b.GetProperty("content").GetString()!.Split('\n')));
    }

    [Fact]
    public async Task RateLimited429_RetriesExactlyOnce_AfterRetryAfter()
    {
        await using var discord = await TestDiscord.StartAsync();
        discord.Server.EnqueueRest(FakeRestResponse.RateLimited(2.5));

        await discord.Rest.SendReplyAsync(Channel, ReplyTo, "hi", null, CancellationToken.None);

        var requests = discord.Server.MessageRequests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.True(requests[1].ReceivedAt - requests[0].ReceivedAt >= TimeSpan.FromSeconds(2.3), $"retried after {requests[1].ReceivedAt - requests[0].ReceivedAt}");
        Assert.Equal(requests[0].Body, requests[1].Body);
    }

    [Fact]
    public async Task Global429_PausesEveryRoute()
    {
        await using var discord = await TestDiscord.StartAsync();
        discord.Server.EnqueueRest(FakeRestResponse.RateLimited(3, global: true));

        var first = discord.Rest.SendReplyAsync(Channel, ReplyTo, "hi", null, CancellationToken.None);
        await Wait.UntilAsync(() => discord.Server.MessageRequests.Any());
        var limitedAt = discord.Server.MessageRequests.First().ReceivedAt;
        await Wait.UntilAsync(() => discord.Logs.Entries.Any(e => e.EventId == 2002)); // the 429 has been read
        var other = discord.Rest.SendReplyAsync(OtherChannel, ReplyTo, "other channel", null, CancellationToken.None);
        var me = discord.Rest.GetCurrentUserAsync(CancellationToken.None);
        await Task.WhenAll(first, other, me);

        var later = discord.Server.Requests.Where(r => r.ReceivedAt > limitedAt).ToArray();
        Assert.Equal(3, later.Length);
        Assert.All(later, r => Assert.True(r.ReceivedAt - limitedAt >= TimeSpan.FromSeconds(2.8), $"{r.Path} went after {r.ReceivedAt - limitedAt}"));
    }

    [Fact]
    public async Task BucketWithZeroRemaining_WaitsResetAfter_ButOnlyForThatChannel()
    {
        await using var discord = await TestDiscord.StartAsync();
        // 60 s scaled is 600 ms real: room enough to tell "waited" from "did not wait" on a busy machine.
        discord.Server.EnqueueRest(FakeRestResponse.OkExhausted(60));

        await discord.Rest.SendReplyAsync(Channel, ReplyTo, "first", null, CancellationToken.None);
        var exhaustedAt = discord.Server.MessageRequests.Single().ReceivedAt;
        // Same bucket hash, different major parameter: a separate limit, so no wait.
        await discord.Rest.SendReplyAsync(OtherChannel, ReplyTo, "other channel", null, CancellationToken.None);
        var otherAt = discord.Server.MessageRequests.Last().ReceivedAt;
        await discord.Rest.SendReplyAsync(Channel, ReplyTo, "second", null, CancellationToken.None);
        var secondAt = discord.Server.MessageRequests.Last().ReceivedAt;

        // Waiting on the exhausted bucket would take 60 s; the bound leaves room for a stalled CI machine.
        Assert.True(otherAt - exhaustedAt < TimeSpan.FromSeconds(50), $"other channel waited {otherAt - exhaustedAt}");
        Assert.True(secondAt - exhaustedAt >= TimeSpan.FromSeconds(59.8), $"same channel waited only {secondAt - exhaustedAt}");
        Assert.Contains(discord.Logs.Entries, e => e.EventId == 2001);
    }

    [Fact]
    public async Task CloudflareHtml429_WithRetryAfterHeader_WaitsThatLong()
    {
        await using var discord = await TestDiscord.StartAsync();
        discord.Server.EnqueueRest(FakeRestResponse.CloudflareHtml429(retryAfterHeader: "7"));

        await discord.Rest.SendReplyAsync(Channel, ReplyTo, "hi", null, CancellationToken.None);

        var requests = discord.Server.MessageRequests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.True(requests[1].ReceivedAt - requests[0].ReceivedAt >= TimeSpan.FromSeconds(6.8));
    }

    [Fact]
    public async Task CloudflareHtml429_WithoutHeaders_UsesSafeDefault()
    {
        await using var discord = await TestDiscord.StartAsync();
        discord.Server.EnqueueRest(FakeRestResponse.CloudflareHtml429());

        await discord.Rest.SendReplyAsync(Channel, ReplyTo, "hi", null, CancellationToken.None);

        var requests = discord.Server.MessageRequests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.True(requests[1].ReceivedAt - requests[0].ReceivedAt >= TimeSpan.FromSeconds(4.8));
        Assert.Contains(discord.Logs.Entries, e => e.EventId == 2002 && e.Text.Contains("readable: False", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ServerErrors_AreRetriedWithBackoff_ThenSucceed()
    {
        await using var discord = await TestDiscord.StartAsync();
        discord.Server.EnqueueRest(FakeRestResponse.ServerError(502), FakeRestResponse.ServerError(503));

        await discord.Rest.SendReplyAsync(Channel, ReplyTo, "hi", null, CancellationToken.None);

        var requests = discord.Server.MessageRequests.ToArray();
        Assert.Equal(3, requests.Length);
        // 0.5 s then 1 s (scaled).
        Assert.True(requests[2].ReceivedAt - requests[1].ReceivedAt >= TimeSpan.FromSeconds(0.8));
    }

    [Fact]
    public async Task ServerErrors_GiveUpAfterTheConfiguredRetries()
    {
        await using var discord = await TestDiscord.StartAsync(configureOptions: o => o.MaxServerErrorRetries = 2);
        discord.Server.EnqueueRest(FakeRestResponse.ServerError(), FakeRestResponse.ServerError(), FakeRestResponse.ServerError(), FakeRestResponse.ServerError());

        var error = await Assert.ThrowsAsync<DiscordRestException>(() => discord.Rest.SendReplyAsync(Channel, ReplyTo, "hi", null, CancellationToken.None));

        Assert.Equal(500, error.StatusCode);
        Assert.Equal(3, discord.Server.MessageRequests.Count());
    }

    [Fact]
    public async Task Unauthorized_StopsAllFurtherRequests_Loudly()
    {
        await using var discord = await TestDiscord.StartAsync();
        discord.Server.EnqueueRest(FakeRestResponse.Unauthorized());

        var first = await Assert.ThrowsAsync<DiscordAuthenticationException>(() => discord.Rest.SendReplyAsync(Channel, ReplyTo, "hi", null, CancellationToken.None));
        var second = await Assert.ThrowsAsync<DiscordAuthenticationException>(() => discord.Rest.GetCurrentUserAsync(CancellationToken.None));

        Assert.Contains("401", first.Message);
        Assert.Contains("token", first.Message);
        Assert.Equal(first.Message, second.Message);
        Assert.Single(discord.Server.Requests);
        Assert.Contains(discord.Logs.Entries, e => e.EventId == 2004 && e.Level == Microsoft.Extensions.Logging.LogLevel.Critical);
    }

    [Fact]
    public async Task ClientErrors_SurfaceDiscordsCodeAndMessage()
    {
        await using var discord = await TestDiscord.StartAsync();
        discord.Server.EnqueueRest(new FakeRestResponse(403, """{"message":"Missing Permissions","code":50013}"""));

        var error = await Assert.ThrowsAsync<DiscordRestException>(() => discord.Rest.SendReplyAsync(Channel, ReplyTo, "hi", null, CancellationToken.None));

        Assert.Equal(403, error.StatusCode);
        Assert.Equal(50013, error.DiscordErrorCode);
        Assert.Contains("Missing Permissions", error.Message);
        Assert.Single(discord.Server.Requests);
    }

    [Fact]
    public async Task NoAnswerWithinRestTimeout_IsATimeoutException()
    {
        await using var discord = await TestDiscord.StartAsync(configureOptions: o => o.RestTimeout = TimeSpan.FromSeconds(20));
        discord.Server.EnqueueRest(new FakeRestResponse(200, "{}", Delay: TimeSpan.FromSeconds(2)));

        var error = await Assert.ThrowsAsync<TimeoutException>(() => discord.Rest.SendReplyAsync(Channel, ReplyTo, "hi", null, CancellationToken.None));

        Assert.Contains("/channels/{channel_id}/messages", error.Message);
    }

    [Fact]
    public async Task GetCurrentUser_ReadsTheBotUser()
    {
        await using var discord = await TestDiscord.StartAsync();

        var me = await discord.Rest.GetCurrentUserAsync(CancellationToken.None);

        Assert.Equal(new DiscordUser(discord.Server.BotUserId, "eventbot", "EventBot", true), me);
    }

    [Theory]
    [InlineData("../../guilds/1", ReplyTo)]
    [InlineData(Channel, "")]
    public async Task NonSnowflakeIds_AreRejected_BeforeAnyRequest(string channel, string replyTo)
    {
        await using var discord = await TestDiscord.StartAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => discord.Rest.SendReplyAsync(channel, replyTo, "hi", null, CancellationToken.None));

        Assert.Empty(discord.Server.Requests);
    }
}
