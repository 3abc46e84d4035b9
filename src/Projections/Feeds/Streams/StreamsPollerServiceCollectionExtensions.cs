using Amazon.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using EventBot.DynamoDbStreams;

namespace EventBot.Projections.Feeds.Streams;

public static class StreamsPollerServiceCollectionExtensions
{
    /// <summary>Configuration section of <see cref="DynamoDbStreamsClientOptions"/>.</summary>
    public const string ClientSection = "Projections:StreamsClient";

    /// <summary>
    /// Registers the DynamoDB Streams client, the poller and its hosted service, with options bound from
    /// <see cref="StreamsPollerOptions.Section"/> and <see cref="ClientSection"/> and validated at start.
    /// The caller registers an <see cref="IStreamBatchHandler"/> and an <see cref="IShardCheckpointStore"/>; an
    /// <c>IAmazonDynamoDB</c> (for DescribeTable) and <see cref="AWSCredentials"/> are used when registered.
    /// </summary>
    public static IServiceCollection AddDynamoDbStreamsPoller(this IServiceCollection services)
    {
        services.AddDynamoDbStreamsClient();
        services.AddOptions<StreamsPollerOptions>().ValidateOnStart();
        services.TryAddSingleton<StreamsPoller>();
        services.AddHostedService<StreamsPollerService>();
        return services;
    }

    /// <summary>
    /// The DynamoDB Streams client and the poller's options (validated when first used), without the hosted poller:
    /// for readers of the stream other than the projector, such as a rebuild's catch-up.
    /// </summary>
    public static IServiceCollection AddDynamoDbStreamsClient(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(IDynamoDbStreamsClient))) return services; // bound once
        services.AddOptions<StreamsPollerOptions>().BindConfiguration(StreamsPollerOptions.Section);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StreamsPollerOptions>, StreamsPollerOptionsValidator>());
        services.AddOptions<DynamoDbStreamsClientOptions>().BindConfiguration(ClientSection);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IDynamoDbStreamsClient>(sp => new DynamoDbStreamsClient(
            // A long-lived client that still follows DNS changes.
            new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }) { Timeout = TimeSpan.FromSeconds(30) },
            sp.GetRequiredService<IOptions<DynamoDbStreamsClientOptions>>().Value,
            sp.GetService<AWSCredentials>()));
        return services;
    }
}
