using EventBot.Discord.Gateway;
using EventBot.Discord.Rest;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EventBot.Discord.Tests;

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
