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
        services.AddSingleton<IMasterKey>(sp =>
        {
            var bot = sp.GetRequiredService<IOptions<BotOptions>>().Value;
            return bot.KmsKeyId is { Length: > 0 } kms ? KmsKey(sp, kms) : LocalKeyFile.OpenOrCreate(bot.KeyFilePath);
        });
        services.AddSingleton(keyStore);
        services.AddSingleton(sp => new KeyRing(sp.GetRequiredService<IKeyStore>(), sp.GetRequiredService<IMasterKey>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<EventPrivacy>();
        services.AddSingleton(sp => PrivateEventStore.Wrap(sp.GetRequiredService<TStore>(), sp.GetRequiredService<EventPrivacy>()));
        return services;
    }

    /// <summary>
    /// The KMS master key, on a KMS client from the container when one is registered (tests), else a new one. A method
    /// of its own, run only when <c>EVENTBOT_KMS_KEY_ID</c> is set: the SQLite path never loads the AWS SDK at all.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static KmsMasterKey KmsKey(IServiceProvider services, string keyId)
    {
        var client = services.GetService<IAmazonKeyManagementService>();
        if (client is null)
        {
            SettingsCheck.RequireRegion(BotHost.AwsRegion);
            client = new AmazonKeyManagementServiceClient();
        }
        return new KmsMasterKey(client, keyId);
    }
}
