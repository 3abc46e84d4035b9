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
        services.AddOptions<DiscordOptions>().Bind(configuration.GetSection(DiscordOptions.SectionName)).ValidateOnStart();
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
            sp.GetRequiredService<IOptions<DiscordOptions>>(),
            sp.GetRequiredService<DiscordRestClient>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<DiscordGatewayClient>>()));
        services.TryAddSingleton<IDiscordGateway>(sp => sp.GetRequiredService<DiscordGatewayClient>());
        return services;
    }
}
