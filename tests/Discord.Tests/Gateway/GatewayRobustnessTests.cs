using System.Text.Json.Nodes;
using EventBot.Discord.Tests.Fake;
using EventBot.Discord.Tests.Support;

namespace EventBot.Discord.Tests;

/// <summary>Payloads the client cannot read, a handler that falls behind, and shutdown: none of them may stop or lose more than they must.</summary>
public sealed class GatewayRobustnessTests
{
    private const int Identify = 2;
    private const int Resume = 6;

    [Fact]
    public async Task PayloadWithoutOp_ResumesOnAFreshConnection_LoggedOnce()
    {
        await using var discord = await TestDiscord.StartAsync();
        discord.StartGateway();
        var first = await discord.Server.WaitForSessionAsync(0);

        await first.SendAsync(new JsonObject { ["t"] = "MESSAGE_CREATE", ["s"] = 99, ["d"] = new JsonObject() });

        var second = await discord.Server.WaitForSessionAsync(1);
        Assert.Single(second.ReceivedOp(Resume));
        Assert.Empty(second.ReceivedOp(Identify));
        Assert.Equal(GatewayRunning, Status(discord));
        await second.DispatchMessageAsync("500000000000000009", "still here");
        await Wait.UntilAsync(() => Count(discord.Messages) == 1, what: "a message after the reconnect");
        var malformed = Assert.Single(discord.Logs.Entries, e => e.Text.Contains("malformed gateway payload", StringComparison.Ordinal));
        Assert.Equal(1004, malformed.EventId);
    }

    [Fact]
    public async Task ReadyWithoutSessionId_IdentifiesAgain_InsteadOfStopping()
    {
        await using var discord = await TestDiscord.StartAsync(s => s.OmitSessionIdOnNextReady = true);
        discord.StartGateway();
        var first = await discord.Server.WaitForConnectionAsync(0);
        await first.Ended.WaitAsync(Wait.DefaultTimeout);

        var second = await discord.Server.WaitForSessionAsync(1);
        Assert.Equal("/gateway", second.Path);
        Assert.Single(second.ReceivedOp(Identify));
        Assert.Empty(second.ReceivedOp(Resume));
        Assert.Equal(GatewayRunning, Status(discord));
        Assert.NotNull(await discord.Gateway.WaitUntilReadyAsync(CancellationToken.None).WaitAsync(Wait.DefaultTimeout));
        Assert.Single(discord.Logs.Entries, e => e.Text.Contains("malformed gateway payload", StringComparison.Ordinal) && e.Text.Contains("session_id", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AFullQueue_DropsNewMessages_LogsOnceWhenFullAndOnceWithTheCount()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var discord = await TestDiscord.StartAsync(configureOptions: o => o.MessageQueueCapacity = 3);
        discord.StartGateway(async (_, _) =>
        {
            entered.TrySetResult();
            await release.Task;
        });
        var connection = await discord.Server.WaitForSessionAsync(0);

        // One message in the handler (blocked), three in the queue, six dropped.
        await connection.DispatchMessageAsync("500000000000000100", "m0");
        await entered.Task.WaitAsync(Wait.DefaultTimeout);
        for (var i = 1; i < 10; i++)
            await connection.DispatchMessageAsync($"5000000000000001{i:00}", $"m{i}");
        await Wait.UntilAsync(() => discord.Gateway.LastSequence == connection.Session!.Sequence, what: "every dispatch read");
        release.SetResult();
        await Wait.UntilAsync(() => Count(discord.Messages) == 4, what: "the handled and queued messages");
        await connection.DispatchMessageAsync("500000000000000200", "after");
        await Wait.UntilAsync(() => Count(discord.Messages) == 5, what: "a message once the queue has room");

        lock (discord.Messages)
            Assert.Equal(["m0", "m1", "m2", "m3", "after"], discord.Messages.Select(m => m.Content));
        Assert.Single(discord.Logs.Entries, e => e.EventId == 1013);
        var recovered = Assert.Single(discord.Logs.Entries, e => e.EventId == 1014);
        Assert.Contains("Dropped=6", recovered.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shutdown_ClosesWith1000First_ThenHandsOverEveryMessageAlreadyRead()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var discord = await TestDiscord.StartAsync();
        discord.StartGateway(async (_, _) => await release.Task);
        var connection = await discord.Server.WaitForSessionAsync(0);
        for (var i = 0; i < 5; i++)
            await connection.DispatchMessageAsync($"50000000000000030{i}", $"m{i}");
        await Wait.UntilAsync(() => discord.Gateway.LastSequence == connection.Session!.Sequence, what: "every dispatch read");

        await discord.StopAsync();
        await connection.Ended.WaitAsync(Wait.DefaultTimeout);
        Assert.Equal(1000, connection.ClientCloseCode);
        Assert.False(discord.RunTask.IsCompleted, "RunAsync returned with messages still queued");
        release.SetResult();
        await discord.RunTask.WaitAsync(Wait.DefaultTimeout);

        Assert.Equal(5, Count(discord.Messages));
        Assert.Single(discord.Server.Connections);
    }

    private const string GatewayRunning = "running";

    private static string Status(TestDiscord discord) => discord.RunTask.IsCompleted ? $"ended: {discord.RunTask.Exception?.InnerException?.Message ?? "returned"}" : GatewayRunning;

    private static int Count(List<DiscordIncomingMessage> messages)
    {
        lock (messages)
            return messages.Count;
    }
}
