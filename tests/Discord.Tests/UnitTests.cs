using EventBot.Discord.Gateway;
using EventBot.Discord.Rest;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EventBot.Discord.Tests;

public sealed class MessageSplitterTests
{
    [Fact]
    public void ShortContent_IsOneMessage() => Assert.Equal(["hi"], MessageSplitter.Split("hi"));

    [Fact]
    public void ExactlyTheLimit_IsOneMessage() => Assert.Single(MessageSplitter.Split(new string('a', 2000)));

    [Fact]
    public void LongLine_IsHardSplit_AtTheLimit()
    {
        var parts = MessageSplitter.Split(new string('a', 4500));
        Assert.Equal([2000, 2000, 500], parts.Select(p => p.Length));
    }

    [Fact]
    public void HardSplit_NeverBreaksASurrogatePair()
    {
        // 1,999 ASCII then emoji: a cut at 2,000 would land between the emoji's two UTF-16 units.
        var content = new string('a', 1999) + string.Concat(Enumerable.Repeat("😀", 1500));
        var parts = MessageSplitter.Split(content);

        Assert.All(parts, p => Assert.True(p.Length <= 2000));
        Assert.All(parts, p => Assert.False(char.IsHighSurrogate(p[^1]), "part ends in half a pair"));
        Assert.All(parts, p => Assert.False(char.IsLowSurrogate(p[0]), "part starts with half a pair"));
        Assert.Equal(content, string.Concat(parts));
    }

    [Fact]
    public void SplitsOnTheLastLineBreakThatFits()
    {
        var content = new string('a', 1500) + "\n" + new string('b', 1500) + "\r\n" + new string('c', 10);
        Assert.Equal([new string('a', 1500), new string('b', 1500) + "\r\n" + new string('c', 10)], MessageSplitter.Split(content));
    }
}

public sealed class GatewaySendLimiterTests
{
    [Fact]
    public void AllowsBudget_ThenMakesOthersWait_ButNeverHeartbeats()
    {
        var time = new FakeTimeProvider();
        var limiter = new GatewaySendLimiter(time);

        for (var i = 0; i < 117; i++)
            Assert.Equal(TimeSpan.Zero, limiter.TryAcquire(heartbeat: false));
        time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(TimeSpan.FromSeconds(50), limiter.TryAcquire(heartbeat: false));
        Assert.Equal(TimeSpan.Zero, limiter.TryAcquire(heartbeat: true));
        Assert.Equal(TimeSpan.Zero, limiter.TryAcquire(heartbeat: true));
        Assert.Equal(TimeSpan.Zero, limiter.TryAcquire(heartbeat: true));

        time.Advance(TimeSpan.FromSeconds(50));
        Assert.Equal(TimeSpan.Zero, limiter.TryAcquire(heartbeat: false));
    }

    [Fact]
    public async Task AcquireAsync_WaitsForTheWindowToSlide()
    {
        var time = new FakeTimeProvider();
        var limiter = new GatewaySendLimiter(time, limit: 4, window: TimeSpan.FromSeconds(60), heartbeatReserve: 1);
        for (var i = 0; i < 3; i++)
            await limiter.AcquireAsync(heartbeat: false, CancellationToken.None);

        var fourth = limiter.AcquireAsync(heartbeat: false, CancellationToken.None).AsTask();
        Assert.False(fourth.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(fourth.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await fourth.WaitAsync(TimeSpan.FromSeconds(5));
    }
}

public sealed class IdentifyGateTests
{
    [Fact]
    public async Task SecondIdentify_WaitsFiveSeconds()
    {
        var time = new FakeTimeProvider();
        var gate = new IdentifyGate(time);
        var limit = new DiscordSessionStartLimit(1000, 999, TimeSpan.Zero, 1);
        await gate.WaitAsync(limit, (_, _) => { }, CancellationToken.None);

        var second = gate.WaitAsync(limit, (_, _) => { }, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(0.1));
        await second.WaitAsync(TimeSpan.FromSeconds(5));
    }
}

public sealed class BackoffTests
{
    [Fact]
    public void Backoff_DoublesWithJitter_AndIsCapped()
    {
        var options = Options.Create(new DiscordOptions { Token = "t", ReconnectInitialDelay = TimeSpan.FromSeconds(1), ReconnectMaxDelay = TimeSpan.FromSeconds(10) });
        var rest = new DiscordRestClient(options, new NoHttp(), TimeProvider.System, NullLogger<DiscordRestClient>.Instance);
        var top = new DiscordGatewayClient(options, rest, TimeProvider.System, NullLogger<DiscordGatewayClient>.Instance, () => 0.999999);
        var bottom = new DiscordGatewayClient(options, rest, TimeProvider.System, NullLogger<DiscordGatewayClient>.Instance, () => 0);

        Assert.Equal(TimeSpan.FromSeconds(0.5), bottom.Backoff(1));
        Assert.Equal(TimeSpan.FromSeconds(2), bottom.Backoff(3));
        Assert.InRange(top.Backoff(2), TimeSpan.FromSeconds(1.99), TimeSpan.FromSeconds(2));
        Assert.InRange(top.Backoff(50), TimeSpan.FromSeconds(9.99), TimeSpan.FromSeconds(10));
    }

    private sealed class NoHttp : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => throw new InvalidOperationException("no HTTP in this test");
    }
}

public sealed class DiscordOptionsTests
{
    [Fact]
    public void Defaults_AreTheDocumentedOnes()
    {
        var options = new DiscordOptions();
        Assert.Equal("https://discord.com/api/v10", options.ApiBaseUrl);
        Assert.Equal(0, options.ShardId);
        Assert.Equal(1, options.ShardCount);
        Assert.Equal(DiscordIntents.Guilds | DiscordIntents.GuildMessages | DiscordIntents.MessageContent | DiscordIntents.DirectMessages, options.Intents);
        Assert.Equal(37377, (int)options.Intents);
    }

    [Theory]
    [InlineData("", "Token is required")]
    [InlineData("Bot abc", "without the \"Bot \" prefix")]
    [InlineData("abc def", "whitespace")]
    public void BadTokens_AreRejectedWithAReason(string token, string expected)
    {
        var result = new DiscordOptionsValidator().Validate(null, new DiscordOptions { Token = token });
        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage);
    }

    [Fact]
    public void BadShardAndUrl_AreRejected()
    {
        var result = new DiscordOptionsValidator().Validate(null, new DiscordOptions { Token = "t", ShardId = 2, ShardCount = 2, ApiBaseUrl = "discord.com" });
        Assert.Contains("ShardId", result.FailureMessage);
        Assert.Contains("ApiBaseUrl", result.FailureMessage);
    }

    [Fact]
    public void ToString_NeverShowsTheToken()
    {
        var options = new DiscordOptions { Token = "super-secret-token" };
        Assert.DoesNotContain("super-secret-token", options.ToString());
        Assert.Contains("<redacted>", options.ToString());
    }

    [Fact]
    public void AddDiscordClient_BindsValidatesAndResolvesThePort()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Discord:Token"] = "bound-token",
            ["Discord:Intents"] = "Guilds, GuildMessages",
            ["Discord:ShardCount"] = "2",
            ["Discord:ShardId"] = "1",
        }).Build();
        using var provider = new ServiceCollection().AddLogging().AddDiscordClient(configuration).BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<DiscordOptions>>().Value;
        Assert.Equal("bound-token", options.Token);
        Assert.Equal(DiscordIntents.Guilds | DiscordIntents.GuildMessages, options.Intents);
        Assert.Equal(1, options.ShardId);
        Assert.Same(provider.GetRequiredService<IDiscordRest>(), provider.GetRequiredService<DiscordRestClient>());
        Assert.Same(provider.GetRequiredService<IDiscordGateway>(), provider.GetRequiredService<DiscordGatewayClient>());
    }

    [Fact]
    public void AddDiscordClient_WithoutToken_FailsValidation()
    {
        var configuration = new ConfigurationBuilder().Build();
        using var provider = new ServiceCollection().AddLogging().AddDiscordClient(configuration).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DiscordOptions>>().Value);
        Assert.Contains("Token is required", error.Message);
    }
}
