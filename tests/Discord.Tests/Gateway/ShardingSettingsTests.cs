using EventBot.Discord.Gateway;
using EventBot.Discord.Rest;
using EventBot.Discord.Tests.Fake;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EventBot.Discord.Tests.Gateway;

/// <summary>The sharding settings, the composition they choose, and the identify gate's buckets on a fake clock.</summary>
public sealed class ShardingSettingsTests
{
    [Theory]
    [InlineData("0-3", new[] { 0, 1, 2, 3 })]
    [InlineData("0,2", new[] { 0, 2 })]
    [InlineData(" 8-9 , 0-1 ", new[] { 0, 1, 8, 9 })]
    [InlineData("5", new[] { 5 })]
    public void Shard_lists_read_ids_and_ranges(string text, int[] expected)
    {
        Assert.True(ShardList.TryParse(text, out var shards, out var error), error);
        Assert.Equal(expected, shards);
    }

    [Theory]
    [InlineData("", "has an empty entry")]
    [InlineData("0,,2", "has an empty entry")]
    [InlineData("3-1", "has the range 3-1, which runs backwards")]
    [InlineData("0-2,2", "lists shard 2 twice")]
    [InlineData("all", "has \"all\", which is neither a shard id nor a range")]
    [InlineData("-1", "has \"-1\", which is neither a shard id nor a range")]
    public void Bad_shard_lists_say_what_is_wrong(string text, string expected)
    {
        Assert.False(ShardList.TryParse(text, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Shard_counts_are_auto_or_a_positive_number()
    {
        Assert.True(ShardList.TryParseCount("AUTO", out var auto));
        Assert.Equal(DiscordOptions.AutoShardCount, auto);
        Assert.True(ShardList.TryParseCount("16", out var sixteen));
        Assert.Equal(16, sixteen);
        Assert.False(ShardList.TryParseCount("0", out _));
        Assert.False(ShardList.TryParseCount("-2", out _));
        Assert.False(ShardList.TryParseCount("many", out _));
        Assert.Equal("0-3,8,10-11", ShardList.Describe([0, 1, 2, 3, 8, 10, 11]));
    }

    [Theory]
    [InlineData("5", null, "ShardCount must be auto")]
    [InlineData("4", "0-4", "Discord:Shards names shard 4, but ShardCount is 4")]
    [InlineData("4", "1-", "Discord:Shards has \"1-\"")]
    public void The_validator_names_bad_sharding(string count, string? shards, string expected)
    {
        var options = new DiscordOptions { Token = "t", ShardCount = count == "5" ? -1 : int.Parse(count, System.Globalization.CultureInfo.InvariantCulture), Shards = shards };
        var result = new DiscordOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage);
    }

    [Theory]
    [InlineData("1", null, null, typeof(DiscordGatewayClient))]
    [InlineData("4", null, "2", typeof(DiscordGatewayClient))]
    [InlineData("4", "3", null, typeof(DiscordGatewayClient))]
    [InlineData("4", null, null, typeof(ShardedDiscordGateway))]
    [InlineData("4", "0,2", null, typeof(ShardedDiscordGateway))]
    [InlineData("auto", null, null, typeof(ShardedDiscordGateway))]
    [InlineData("Auto", "0", null, typeof(ShardedDiscordGateway))]
    public void One_known_shard_gets_the_plain_client_anything_else_the_sharded_gateway(string count, string? shards, string? shardId, Type expected)
    {
        var settings = new Dictionary<string, string?> { ["Discord:Token"] = "t", ["Discord:ShardCount"] = count, ["Discord:Shards"] = shards, ["Discord:ShardId"] = shardId };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Where(kv => kv.Value is not null)).Build();
        using var provider = new ServiceCollection().AddLogging().AddDiscordClient(configuration).BuildServiceProvider();

        var gateway = provider.GetRequiredService<IDiscordGateway>();

        Assert.IsType(expected, gateway);
        var options = provider.GetRequiredService<IOptions<DiscordOptions>>().Value;
        Assert.Equal(count.Equals("auto", StringComparison.OrdinalIgnoreCase) ? DiscordOptions.AutoShardCount : int.Parse(count, System.Globalization.CultureInfo.InvariantCulture), options.ShardCount);
        if (gateway is DiscordGatewayClient)
            Assert.Same(((DiscordGatewayClient)gateway).Health, provider.GetRequiredService<IDiscordGatewayHealth>());
        else
            Assert.Same(((ShardedDiscordGateway)gateway).Health, provider.GetRequiredService<IDiscordGatewayHealth>());
    }

    [Fact]
    public async Task A_one_shard_list_runs_the_plain_client_as_that_shard()
    {
        await using var server = await FakeDiscordServer.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Discord:Token"] = server.Token,
            ["Discord:ApiBaseUrl"] = server.ApiBaseUrl,
            ["Discord:ShardCount"] = "4",
            ["Discord:Shards"] = "3",
        }).Build();
        using var provider = new ServiceCollection().AddLogging().AddDiscordClient(configuration).BuildServiceProvider();
        using var stop = new CancellationTokenSource();
        var gateway = Assert.IsType<DiscordGatewayClient>(provider.GetRequiredService<IDiscordGateway>());

        var run = gateway.RunAsync((_, _) => Task.CompletedTask, stop.Token);
        var connection = await server.WaitForSessionAsync(0);
        await stop.CancelAsync();
        await run.WaitAsync(Wait.DefaultTimeout);

        Assert.Equal((3, 4), connection.IdentifiedShard());
    }

    [Fact]
    public async Task The_gate_lets_shards_of_different_buckets_go_together_and_spaces_each_bucket_five_seconds()
    {
        var time = new FakeTimeProvider();
        var gate = new IdentifyGate(time, [0, 1, 2, 3]);
        var limit = new DiscordSessionStartLimit(1000, 1000, TimeSpan.Zero, 2);

        // Arriving in reverse order does not change who goes first.
        var waits = new[] { 3, 2, 1, 0 }.ToDictionary(s => s, s => gate.WaitAsync(s, limit, (_, _) => { }, CancellationToken.None));

        Assert.True(waits[0].IsCompletedSuccessfully);
        Assert.True(waits[1].IsCompletedSuccessfully);
        Assert.False(waits[2].IsCompleted);
        Assert.False(waits[3].IsCompleted);
        time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(waits[2].IsCompleted);
        time.Advance(TimeSpan.FromSeconds(0.1));
        await Task.WhenAll(waits[2], waits[3]).WaitAsync(TimeSpan.FromSeconds(30));

        // A shard identifying again (a new session) waits 5 s after its bucket's last identify.
        var again = gate.WaitAsync(0, limit, (_, _) => { }, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(again.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(0.1));
        await again.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(5, gate.Granted);
    }

    [Fact]
    public async Task The_gate_counts_identifies_it_granted_against_the_budget_the_shards_fetched_together()
    {
        var time = new FakeTimeProvider();
        var gate = new IdentifyGate(time, [0, 1, 2]);
        // All three read "2 left" from GET /gateway/bot at the same moment: the third must wait for the reset.
        var limit = new DiscordSessionStartLimit(1000, 2, TimeSpan.FromMinutes(10), 3);
        var said = new List<string>();

        var waits = new[] { 0, 1, 2 }.Select(s => gate.WaitAsync(s, limit, (_, why) => said.Add(why), CancellationToken.None)).ToArray();

        Assert.True(waits[0].IsCompletedSuccessfully && waits[1].IsCompletedSuccessfully);
        Assert.False(waits[2].IsCompleted);
        time.Advance(TimeSpan.FromMinutes(10));
        await waits[2].WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains("remaining is 0", Assert.Single(said));
    }
}
