using Amazon.KeyManagementService;
using EventBot.EventStore;
using EventBot.EventStore.Privacy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EventBot.Bot.Hosting;

/// <summary>
/// The privacy layer of docs/privacy.md: the master key (KMS when <c>EVENTBOT_KMS_KEY_ID</c> is set, else the key
/// file), the key store, the key ring, and the store every reader and writer goes through.
/// </summary>
public static class PrivacyRegistration
{
    public static IServiceCollection AddPrivacy<TStore>(this IServiceCollection services, Func<IServiceProvider, IKeyStore> keyStore)
        where TStore : class, IEventStore
    {
        // Created on first use only: the SQLite path never builds a KMS client.
        services.AddSingleton<IAmazonKeyManagementService>(_ =>
        {
            SettingsCheck.RequireRegion(BotHost.AwsRegion);
            return new AmazonKeyManagementServiceClient();
        });
        services.AddSingleton<IMasterKey>(sp =>
        {
            var bot = sp.GetRequiredService<IOptions<BotOptions>>().Value;
            return bot.KmsKeyId is { Length: > 0 } kms
                ? new KmsMasterKey(sp.GetRequiredService<IAmazonKeyManagementService>(), kms)
                : LocalKeyFile.OpenOrCreate(bot.KeyFilePath);
        });
        services.AddSingleton(keyStore);
        services.AddSingleton(sp => new KeyRing(sp.GetRequiredService<IKeyStore>(), sp.GetRequiredService<IMasterKey>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<EventPrivacy>();
        services.AddSingleton(sp => PrivateEventStore.Wrap(sp.GetRequiredService<TStore>(), sp.GetRequiredService<EventPrivacy>()));
        return services;
    }
}
