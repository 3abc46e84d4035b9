using EventBot.Discord.Gateway;
using EventBot.Discord.Interactions;
using EventBot.Discord.Rest;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EventBot.Discord;

public static class DiscordServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IDiscordRest"/>, <see cref="IDiscordInteractions"/>, <see cref="IDiscordApplicationCommands"/>
    /// (one <see cref="DiscordRestClient"/>), <see cref="ApplicationCommandSync"/> and <see cref="IDiscordGateway"/> (singletons: they own rate-limit and session
    /// state), binding <see cref="DiscordOptions"/> from the "Discord" section of <paramref name="configuration"/> and
    /// validating it at start. The host still has to call <see cref="IDiscordGateway.RunAsync"/>, e.g. from a BackgroundService.
    /// </summary>
    public static IServiceCollection AddDiscordClient(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(DiscordOptions.SectionName);
        services.AddOptions<DiscordOptions>().Configure(options => DiscordOptionsBinding.Bind(section, options)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DiscordOptions>, DiscordOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(DiscordRestClient.HttpClientName, (sp, client) =>
                // The per-request timeout is ours (RestTimeout); rate-limit waits happen before the request starts.
                client.Timeout = Timeout.InfiniteTimeSpan)
            // The factory's own loggers write each request's URL, and an interaction route's URL holds its token.
            .RemoveAllLoggers();
        services.TryAddSingleton(sp => new DiscordRestClient(
            sp.GetRequiredService<IOptions<DiscordOptions>>(),
            sp.GetRequiredService<IHttpClientFactory>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<DiscordRestClient>>()));
        services.TryAddSingleton<IDiscordRest>(sp => sp.GetRequiredService<DiscordRestClient>());
        services.TryAddSingleton<IDiscordInteractions>(sp => sp.GetRequiredService<DiscordRestClient>());
        services.TryAddSingleton<IDiscordApplicationCommands>(sp => sp.GetRequiredService<DiscordRestClient>());
        services.TryAddSingleton(sp => new ApplicationCommandSync(sp.GetRequiredService<IDiscordApplicationCommands>()));
        services.TryAddSingleton(sp => new DiscordGatewayClient(
            SingleShardOptions(sp.GetRequiredService<IOptions<DiscordOptions>>()),
            sp.GetRequiredService<DiscordRestClient>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<DiscordGatewayClient>>()));
        services.TryAddSingleton(sp => new ShardedDiscordGateway(
            sp.GetRequiredService<IOptions<DiscordOptions>>(),
            sp.GetRequiredService<DiscordRestClient>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ShardedDiscordGateway>>(),
            sp.GetRequiredService<ILogger<DiscordGatewayClient>>()));
        // One shard known at start (the default, or DISCORD_SHARD_ID): the plain client, as before sharding existed.
        // Several shards, or DISCORD_SHARD_COUNT=auto: the sharded gateway, one session per shard.
        services.TryAddSingleton<IDiscordGateway>(sp => RunsOneShard(sp)
            ? sp.GetRequiredService<DiscordGatewayClient>()
            : sp.GetRequiredService<ShardedDiscordGateway>());
        services.TryAddSingleton<IDiscordGatewayHealth>(sp => RunsOneShard(sp)
            ? sp.GetRequiredService<DiscordGatewayClient>().Health
            : sp.GetRequiredService<ShardedDiscordGateway>().Health);
        return services;
    }

    private static bool RunsOneShard(IServiceProvider sp) => sp.GetRequiredService<IOptions<DiscordOptions>>().Value.SingleShard is not null;

    private static IOptions<DiscordOptions> SingleShardOptions(IOptions<DiscordOptions> options) =>
        options.Value.SingleShard is { } shard && shard != options.Value.ShardId
            ? Options.Create(options.Value.ForShard(shard, options.Value.ShardCount))
            : options;
}
