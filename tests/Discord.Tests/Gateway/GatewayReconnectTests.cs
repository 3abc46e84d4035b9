using System.Text.Json;
using EventBot.Discord.Tests.Fake;
using EventBot.Discord.Tests.Support;

namespace EventBot.Discord.Tests;

/// <summary>Resume vs. identify vs. stop, as the Gateway docs and the close code table prescribe.</summary>
public sealed class GatewayReconnectTests
{
    private const int Identify = 2;
    private const int Resume = 6;

    [Fact]
    public async Task Op7Reconnect_ResumesOnResumeGatewayUrl_WithLastSequence_AndNoIdentify()
    {
        await using var discord = await TestDiscord.StartAsync();
        discord.StartGateway();
        var first = await discord.Server.WaitForSessionAsync(0);
        await first.DispatchMessageAsync("500000000000000005", "one");
        await first.DispatchMessageAsync("500000000000000006", "two");
        await Wait.UntilAsync(() => Count(discord.Messages) == 2);
        var lastSeq = first.Session!.Sequence;

        await first.SendOpAsync(7, null);

        var second = await discord.Server.WaitForSessionAsync(1);
        await first.Ended.WaitAsync(Wait.DefaultTimeout);
        AssertResumableClose(first);
        await AssertResumedAsync(second, first.Session.Id, lastSeq);
    }

    [Fact]
    public async Task MissingHeartbeatAck_ClosesZombieWithNon1000Code_AndResumes()
    {
        await using var discord = await TestDiscord.StartAsync(s =>
        {
            s.AckHeartbeats = false;
            s.HeartbeatIntervalMs = 10_000;
        });
        discord.StartGateway();
        var first = await discord.Server.WaitForSessionAsync(0);
        var lastSeq = first.Session!.Sequence;

        await first.Ended.WaitAsync(Wait.DefaultTimeout);
        discord.Server.AckHeartbeats = true;
        AssertResumableClose(first);
        Assert.True(first.HeartbeatTimes.Count >= 1, "a beat was sent and never acknowledged");
        var second = await discord.Server.WaitForSessionAsync(1);
        await AssertResumedAsync(second, first.Session.Id, lastSeq);
        Assert.Contains(discord.Logs.Entries, e => e.EventId == 1005);
    }

    [Fact]
    public async Task InvalidSessionNotResumable_WaitsOneToFiveSeconds_ThenIdentifiesAfresh()
    {
        await using var discord = await TestDiscord.StartAsync(jitter: 0);
        discord.StartGateway();
        var first = await discord.Server.WaitForSessionAsync(0);
        var sentAt = discord.Time.GetUtcNow();

        await first.SendOpAsync(9, false);

        var second = await discord.Server.WaitForSessionAsync(1);
        Assert.Equal("/gateway", second.Path);
        Assert.Single(second.ReceivedOp(Identify));
        Assert.Empty(second.ReceivedOp(Resume));
        Assert.NotEqual(first.Session!.Id, second.Session!.Id);
        // jitter 0 gives the docs' minimum of 1 s; the identify spacing (5 s since the first identify) also applies.
        Assert.True(second.OpenedAt - sentAt >= TimeSpan.FromSeconds(0.8), $"waited only {second.OpenedAt - sentAt}");
        var firstGatewayBot = discord.Server.Requests.First(r => r.Path == "/api/v10/gateway/bot").ReceivedAt;
        Assert.True(second.OpenedAt - firstGatewayBot >= TimeSpan.FromSeconds(5), $"identifies only {second.OpenedAt - firstGatewayBot} apart");
    }

    [Fact]
    public async Task InvalidSessionResumable_Resumes()
    {
        await using var discord = await TestDiscord.StartAsync();
        discord.StartGateway();
        var first = await discord.Server.WaitForSessionAsync(0);
        await first.DispatchMessageAsync("500000000000000005", "one");
        var lastSeq = first.Session!.Sequence;

        await first.SendOpAsync(9, true);

        var second = await discord.Server.WaitForSessionAsync(1);
        await AssertResumedAsync(second, first.Session.Id, lastSeq);
    }

    [Theory]
    [InlineData(4000)]
    [InlineData(4002)]
    [InlineData(4008)]
    [InlineData(1001)]
    public async Task CloseCodesWhoseDocsSayResume_Resume(int code)
    {
        await using var discord = await TestDiscord.StartAsync();
        discord.StartGateway();
        var first = await discord.Server.WaitForSessionAsync(0);
        var lastSeq = first.Session!.Sequence;

        await first.CloseAsync(code);

        var second = await discord.Server.WaitForSessionAsync(1);
        await AssertResumedAsync(second, first.Session.Id, lastSeq);
    }

    [Theory]
    [InlineData(4001)]
    [InlineData(4003)]
    [InlineData(4005)]
    [InlineData(4007)]
    [InlineData(4009)]
    public async Task CloseCodesWhoseDocsSayNewSession_IdentifyAgain(int code)
    {
        await using var discord = await TestDiscord.StartAsync();
        discord.StartGateway();
        var first = await discord.Server.WaitForSessionAsync(0);

        await first.CloseAsync(code);

        var second = await discord.Server.WaitForSessionAsync(1);
        Assert.Equal("/gateway", second.Path);
        Assert.Single(second.ReceivedOp(Identify));
        Assert.Empty(second.ReceivedOp(Resume));
        Assert.NotEqual(first.Session!.Id, second.Session!.Id);
        // A new session starts from GET /gateway/bot again (fresh URL and session_start_limit).
        Assert.Equal(2, discord.Server.Requests.Count(r => r.Path == "/api/v10/gateway/bot"));
    }

    [Fact]
    public async Task NetworkDropWithoutCloseFrame_Resumes()
    {
        await using var discord = await TestDiscord.StartAsync();
        discord.StartGateway();
        var first = await discord.Server.WaitForSessionAsync(0);
        await first.DispatchMessageAsync("500000000000000005", "one");
        await Wait.UntilAsync(() => Count(discord.Messages) == 1);
        var lastSeq = first.Session!.Sequence;

        first.Abort();

        var second = await discord.Server.WaitForSessionAsync(1);
        await AssertResumedAsync(second, first.Session.Id, lastSeq);
    }

    [Fact]
    public async Task Resume_ReplaysMissedDispatches_InOrder()
    {
        await using var discord = await TestDiscord.StartAsync();
        discord.StartGateway();
        var first = await discord.Server.WaitForSessionAsync(0);
        await first.DispatchMessageAsync("500000000000000005", "before the drop");
        await Wait.UntilAsync(() => Count(discord.Messages) == 1);
        // Sent into the session while the client is away: Discord replays these on resume.
        first.Abort();
        await first.Ended.WaitAsync(Wait.DefaultTimeout);
        first.Session!.Append("MESSAGE_CREATE", System.Text.Json.Nodes.JsonNode.Parse("""
            {"id":"500000000000000006","channel_id":"300000000000000003","author":{"id":"200000000000000002","username":"someone"},"content":"missed","timestamp":"2026-11-27T17:00:00+00:00","mentions":[]}
            """)!.AsObject());

        await discord.Server.WaitForSessionAsync(1);
        await Wait.UntilAsync(() => Count(discord.Messages) == 2);
        Assert.Equal(["before the drop", "missed"], discord.Messages.Select(m => m.Content));
    }

    [Fact]
    public async Task DelayedHello_TimesOut_ThenReconnects()
    {
        await using var discord = await TestDiscord.StartAsync(
            s => s.DelayNextHello(TimeSpan.FromSeconds(3)),
            o => o.HelloTimeout = TimeSpan.FromSeconds(30)); // 300 ms real, well under the 3 s real delay
        discord.StartGateway();

        var second = await discord.Server.WaitForSessionAsync(1);
        Assert.Single(second.ReceivedOp(Identify));
        Assert.Empty(discord.Server.Connections[0].ReceivedOp(Identify));
    }

    [Fact]
    public async Task SlowMessageHandler_DoesNotStallHeartbeatAcks()
    {
        // Discord's usual 41.25 s (412 ms real): a 100 ms interval let a loaded machine miss an ACK, which is a
        // zombie reconnect and not what this test is about.
        await using var discord = await TestDiscord.StartAsync(s => s.HeartbeatIntervalMs = 41_250);
        var release = new TaskCompletionSource();
        using var stop = new CancellationTokenSource();
        var run = discord.Gateway.RunAsync(async (_, ct) => await release.Task.WaitAsync(ct), stop.Token);
        var connection = await discord.Server.WaitForSessionAsync(0);
        await connection.DispatchMessageAsync("500000000000000005", "blocks the handler");

        // Several heartbeat intervals pass while the handler is stuck; ACKs must still be read.
        await Wait.UntilAsync(() => connection.HeartbeatTimes.Count >= 4, TimeSpan.FromSeconds(30), "four heartbeats on the first connection");
        Assert.Single(discord.Server.Connections);
        release.SetResult();
        await stop.CancelAsync();
        await run.WaitAsync(Wait.DefaultTimeout);
    }

    [Fact]
    public async Task FragmentedFrames_AreAssembledUntilEndOfMessage()
    {
        await using var discord = await TestDiscord.StartAsync();
        discord.StartGateway();
        var connection = await discord.Server.WaitForSessionAsync(0);
        var d = System.Text.Json.Nodes.JsonNode.Parse("""
            {"id":"500000000000000005","channel_id":"300000000000000003","author":{"id":"200000000000000002","username":"someone"},"content":"in pieces","timestamp":"2026-11-27T17:00:00+00:00","mentions":[]}
            """)!.AsObject();
        var seq = connection.Session!.Append("MESSAGE_CREATE", d);

        await connection.SendAsync(new System.Text.Json.Nodes.JsonObject { ["op"] = 0, ["s"] = seq, ["t"] = "MESSAGE_CREATE", ["d"] = d.DeepClone() }, fragments: 7);

        await Wait.UntilAsync(() => Count(discord.Messages) == 1);
        Assert.Equal("in pieces", discord.Messages[0].Content);
    }

    [Fact]
    public async Task ResumeOfAnExpiredSession_GetsOp9False_ThenIdentifies()
    {
        await using var discord = await TestDiscord.StartAsync();
        discord.StartGateway();
        var first = await discord.Server.WaitForSessionAsync(0);
        discord.Server.ForgetSessions();

        first.Abort();

        var resuming = await discord.Server.WaitForConnectionAsync(1);
        await resuming.WaitForOpAsync(Resume);
        var third = await discord.Server.WaitForSessionAsync(2);
        Assert.Single(third.ReceivedOp(Identify));
        Assert.Equal("/gateway", third.Path);
    }

    [Fact]
    public async Task MalformedMessageCreate_IsSkipped_AndTheConnectionLives()
    {
        await using var discord = await TestDiscord.StartAsync();
        discord.StartGateway();
        var connection = await discord.Server.WaitForSessionAsync(0);

        await connection.DispatchAsync("MESSAGE_CREATE", new System.Text.Json.Nodes.JsonObject { ["id"] = "500000000000000004", ["content"] = "no author" });
        await connection.DispatchMessageAsync("500000000000000005", "fine");

        await Wait.UntilAsync(() => Count(discord.Messages) == 1);
        Assert.Equal("fine", discord.Messages[0].Content);
        Assert.Contains(discord.Logs.Entries, e => e.EventId == 1012);
        Assert.Single(discord.Server.Connections);
    }

    private static void AssertResumableClose(FakeGatewayConnection connection)
    {
        // Closing with 1000/1001 would invalidate the session Discord-side.
        Assert.NotNull(connection.ClientCloseCode);
        Assert.NotEqual(1000, connection.ClientCloseCode);
        Assert.NotEqual(1001, connection.ClientCloseCode);
    }

    private static async Task AssertResumedAsync(FakeGatewayConnection connection, string sessionId, long lastSeq)
    {
        Assert.Equal("/resume-gateway", connection.Path);
        Assert.Equal("?v=10&encoding=json", connection.Query);
        var resume = (await connection.WaitForOpAsync(Resume)).GetProperty("d");
        Assert.Equal(FakeDiscordServer.DefaultToken, resume.GetProperty("token").GetString());
        Assert.Equal(sessionId, resume.GetProperty("session_id").GetString());
        Assert.Equal(lastSeq, resume.GetProperty("seq").GetInt64());
        Assert.Empty(connection.ReceivedOp(Identify));
        Assert.Equal(sessionId, connection.Session!.Id);
    }

    private static int Count<T>(List<T> list)
    {
        lock (list)
            return list.Count;
    }
}
