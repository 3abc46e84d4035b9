using System.Text.Json.Nodes;
using EventBot.Discord.Gateway;
using EventBot.Discord.Tests.Fake;

namespace EventBot.Discord.Tests;

public sealed class GatewayConnectionTests
{
    [Fact]
    public async Task PayloadOver4096Bytes_IsRefused_AndNothingIsSent()
    {
        await using var server = await FakeDiscordServer.StartAsync();
        var uri = new Uri(server.BaseAddress.Replace("http://", "ws://", StringComparison.Ordinal) + "/gateway?v=10&encoding=json");
        await using var connection = await GatewayConnection.ConnectAsync(uri, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1), TimeProvider.System, CancellationToken.None);
        var hello = await connection.ReceiveAsync(CancellationToken.None);
        Assert.Contains("\"op\":10", hello);

        var big = new JsonObject { ["op"] = 3, ["d"] = new string('x', 4096) };
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => connection.SendAsync(big, heartbeat: false, CancellationToken.None));
        Assert.Contains("4096", error.Message);

        // Just under the cap still goes out.
        var fits = new JsonObject { ["op"] = 3, ["d"] = new string('x', 4096 - 20) };
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(fits.ToJsonString()) <= 4096);
        await connection.SendAsync(fits, heartbeat: false, CancellationToken.None);
        var fake = await server.WaitForConnectionAsync(0);
        await fake.WaitForOpAsync(3);
        Assert.Single(fake.Received);
    }
}
