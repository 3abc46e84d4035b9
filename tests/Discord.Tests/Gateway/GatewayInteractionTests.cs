using EventBot.Discord.Tests.Fake;
using EventBot.Discord.Tests.Support;
using static EventBot.Discord.Tests.Fake.FakeInteractions;

namespace EventBot.Discord.Tests.Gateway;

/// <summary>INTERACTION_CREATE over the gateway, the application id from READY, and the MESSAGE_CONTENT switch.</summary>
public sealed class GatewayInteractionTests
{
    [Fact]
    public async Task Interactions_AreHandedOverInOrderWithMessages_AndTheApplicationIdComesFromReady()
    {
        await using var discord = await TestDiscord.StartAsync();
        discord.StartGatewayWithInteractions();
        var connection = await discord.Server.WaitForSessionAsync(0);
        await discord.Gateway.WaitUntilReadyAsync(CancellationToken.None).WaitAsync(Wait.DefaultTimeout);

        await connection.DispatchMessageAsync("500000000000000401", "first");
        await connection.DispatchInteractionAsync(Command("700000000000000402", "remember", Options(SubCommand("get", Text("key", "meeting")))));
        await connection.DispatchInteractionAsync(Button("700000000000000403", "h|meeting|2|17"));
        await connection.DispatchMessageAsync("500000000000000404", "last");
        await Wait.UntilAsync(() => Count(discord) == 4, what: "two messages and two interactions");

        Assert.Equal(FakeDiscordServer.DefaultApplicationId, discord.Gateway.ApplicationId);
        Assert.NotEqual(discord.Gateway.CurrentUser!.Id, discord.Gateway.ApplicationId);
        lock (discord.Messages)
        {
            Assert.Equal(["m:500000000000000401", "i:700000000000000402", "i:700000000000000403", "m:500000000000000404"], discord.Order);
            Assert.Equal("remember", discord.Interactions[0].Data!.Name);
            Assert.Equal("h|meeting|2|17", discord.Interactions[1].Data!.CustomId);
        }
    }

    [Fact]
    public async Task AMalformedInteraction_IsSkippedAndLogged_WithoutTheToken_AndTheNextOneArrives()
    {
        await using var discord = await TestDiscord.StartAsync();
        discord.StartGatewayWithInteractions();
        var connection = await discord.Server.WaitForSessionAsync(0);
        var broken = Command("700000000000000411", "stats");
        var token = broken["token"]!.GetValue<string>();
        broken.Remove("member"); // neither member.user nor user

        await connection.DispatchInteractionAsync(broken);
        await connection.DispatchInteractionAsync(Command("700000000000000412", "stats"));
        await Wait.UntilAsync(() => Count(discord) == 1);

        Assert.Equal("700000000000000412", Assert.Single(discord.Interactions).Id);
        Assert.Single(discord.Logs.Entries, e => e.EventId == 1015);
        Assert.DoesNotContain(token, discord.Logs.AllText, StringComparison.Ordinal);
        Assert.Single(discord.Server.Connections); // no reconnect for one bad interaction
    }

    [Fact]
    public async Task WithoutAnInteractionHandler_InteractionsAreDroppedWithOneWarning_AndMessagesStillFlow()
    {
        await using var discord = await TestDiscord.StartAsync();
        discord.StartGateway();
        var connection = await discord.Server.WaitForSessionAsync(0);

        await connection.DispatchInteractionAsync(Command("700000000000000421", "stats"));
        await connection.DispatchInteractionAsync(Command("700000000000000422", "stats"));
        await connection.DispatchMessageAsync("500000000000000423", "still here");
        await Wait.UntilAsync(() => Count(discord) == 1);

        Assert.Single(discord.Logs.Entries, e => e.EventId == 1017);
        Assert.Empty(discord.Interactions);
    }

    [Fact]
    public async Task Shutdown_HandsOverInteractionsAlreadyRead()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var discord = await TestDiscord.StartAsync();
        discord.StartGatewayWithInteractions(async (_, _) => await release.Task);
        var connection = await discord.Server.WaitForSessionAsync(0);
        for (var i = 0; i < 3; i++)
            await connection.DispatchInteractionAsync(Command($"70000000000000043{i}", "stats"));
        await Wait.UntilAsync(() => discord.Gateway.LastSequence == connection.Session!.Sequence, what: "every dispatch read");

        await discord.StopAsync();
        await connection.Ended.WaitAsync(Wait.DefaultTimeout);
        Assert.False(discord.RunTask.IsCompleted, "RunAsync returned with interactions still queued");
        release.SetResult();
        await discord.RunTask.WaitAsync(Wait.DefaultTimeout);

        Assert.Equal(3, Count(discord));
    }

    [Fact]
    public async Task MessageContentOff_LeavesTheIntentOutOfIdentify_MentionsAndDmsStillCarryContent()
    {
        await using var discord = await TestDiscord.StartAsync(
            s => s.AllowedIntents = ~FakeDiscordServer.MessageContentIntent, // the portal switch is off: asking for it would be 4014
            o => o.MessageContent = false);
        discord.StartGateway();
        var connection = await discord.Server.WaitForSessionAsync(0);
        var identify = (await connection.WaitForOpAsync(2)).GetProperty("d");

        await connection.DispatchMessageAsync("500000000000000441", ".remember tea");
        await connection.DispatchMessageAsync("500000000000000442", $"<@{discord.Server.BotUserId}> remember tea", mentions: (discord.Server.BotUserId, "eventbot"));
        await connection.DispatchMessageAsync("500000000000000443", ".remember tea", guildId: null);
        await Wait.UntilAsync(() => Count(discord) == 3);

        Assert.Equal((1 << 0) | (1 << 9) | (1 << 12), identify.GetProperty("intents").GetInt32());
        lock (discord.Messages)
            Assert.Equal(["", $"<@{discord.Server.BotUserId}> remember tea", ".remember tea"], discord.Messages.Select(m => m.Content));
        Assert.DoesNotContain(discord.Logs.Entries, e => e.EventId == 1010); // empty content is expected, not a misconfiguration
    }

    [Fact]
    public async Task MessageContentOn_IsTodaysIdentify_AndA4014SaysHowToRunWithout()
    {
        await using var discord = await TestDiscord.StartAsync(s => s.AllowedIntents = ~FakeDiscordServer.MessageContentIntent);
        discord.StartGateway();

        var fatal = await Assert.ThrowsAsync<DiscordGatewayFatalException>(() => discord.RunTask.WaitAsync(Wait.DefaultTimeout));

        Assert.Equal(4014, fatal.CloseCode);
        Assert.Contains("DISCORD_MESSAGE_CONTENT=false", fatal.Message, StringComparison.Ordinal);
        var identify = discord.Server.Connections[0].ReceivedOp(2).First().GetProperty("d");
        Assert.NotEqual(0, identify.GetProperty("intents").GetInt32() & FakeDiscordServer.MessageContentIntent);
    }

    private static int Count(TestDiscord discord)
    {
        lock (discord.Messages)
            return discord.Messages.Count + discord.Interactions.Count;
    }
}
