using EventBot.Discord.Gateway;
using EventBot.Discord.Rest;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EventBot.Discord.Tests;

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
            ["Discord:MessageContent"] = "false",
        }).Build();
        using var provider = new ServiceCollection().AddLogging().AddDiscordClient(configuration).BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<DiscordOptions>>().Value;
        Assert.Equal("bound-token", options.Token);
        Assert.Equal(DiscordIntents.Guilds | DiscordIntents.GuildMessages, options.Intents);
        Assert.Equal(1, options.ShardId);
        Assert.Same(provider.GetRequiredService<IDiscordRest>(), provider.GetRequiredService<DiscordRestClient>());
        Assert.Same(provider.GetRequiredService<IDiscordGateway>(), provider.GetRequiredService<DiscordGatewayClient>());
        Assert.Same(provider.GetRequiredService<EventBot.Discord.Interactions.IDiscordInteractions>(), provider.GetRequiredService<DiscordRestClient>());
        Assert.Same(provider.GetRequiredService<EventBot.Discord.Interactions.IDiscordApplicationCommands>(), provider.GetRequiredService<DiscordRestClient>());
        Assert.NotNull(provider.GetRequiredService<EventBot.Discord.Interactions.ApplicationCommandSync>());
        Assert.False(options.MessageContent);
        Assert.Equal(DiscordIntents.Guilds | DiscordIntents.GuildMessages, options.EffectiveIntents);
    }

    [Fact]
    public void MessageContent_DefaultsToTrue_AndFalseOnlyRemovesThatIntent()
    {
        Assert.Equal(DiscordIntents.Default, new DiscordOptions().EffectiveIntents);
        Assert.Equal(DiscordIntents.Guilds | DiscordIntents.GuildMessages | DiscordIntents.DirectMessages, new DiscordOptions { MessageContent = false }.EffectiveIntents);
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
