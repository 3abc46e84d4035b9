using Amazon.DynamoDBv2;
using EventBot.EventStore;
using EventBot.EventStore.DynamoDb;
using EventBot.EventStore.Faults;
using EventBot.Projections;
using EventBot.Projections.Core;
using EventBot.Projections.DynamoDb;
using EventBot.Projections.Feeds;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using EventBot.Projections.Feeds.Streams;

namespace EventBot.Lambda;

/// <summary>
/// The projector as the Lambda runs it: the DynamoDB event store (for gap fills), the views table, the bot's own
/// projection list (<see cref="ProjectionCatalog"/>), one <see cref="ProjectorCore"/> and the shared
/// <see cref="StreamsProjectionHandler"/>. Built once per container and reused by every invocation.
/// </summary>
public sealed class ProjectorComposition
{
    private ProjectorComposition(ProjectorCore core, StreamsProjectionHandler handler, StreamFeedCounters counters, Generations generations, ILoggerFactory loggers,
        TransientRetry retry)
    {
        Retry = retry;
        Core = core;
        Handler = handler;
        Counters = counters;
        Generations = generations;
        Loggers = loggers;
    }

    public ProjectorCore Core { get; }

    /// <summary>The one retry policy of every DynamoDB call, and of a batch that stopped on a transient failure.</summary>
    public TransientRetry Retry { get; }

    public StreamsProjectionHandler Handler { get; }

    /// <summary>Totals since the container started; each invocation logs its own share.</summary>
    public StreamFeedCounters Counters { get; }

    public Generations Generations { get; }

    public ILoggerFactory Loggers { get; }

    /// <summary>Where each invocation writes its CloudWatch Embedded Metric Format line; null: none.</summary>
    public TextWriter? MetricsOut { get; set; }

    public TimeProvider Time { get; private init; } = TimeProvider.System;

    /// <summary><c>DeadLetterAttempts</c> → <c>EVENTBOT_DEAD_LETTER_ATTEMPTS</c>.</summary>
    public static string EnvironmentName(string setting) =>
        "EVENTBOT_" + string.Concat(setting.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : char.ToUpperInvariant(c).ToString()));

    /// <param name="client">The DynamoDB client; owned by the caller (a container keeps it for its lifetime).</param>
    /// <param name="tablePrefix">Prefix of the events and views tables, as <c>EVENTBOT_TABLE_PREFIX</c>.</param>
    /// <param name="retry">Default: <see cref="RetrySettings"/>' defaults on <paramref name="time"/>.</param>
    /// <param name="master">The master key of docs/privacy.md (KMS on AWS): records are revealed before they are projected.
    /// Null: no privacy layer (events are projected as stored).</param>
    public static ProjectorComposition Create(IAmazonDynamoDB client, string tablePrefix, ILoggerFactory loggers, TimeProvider? time = null, TransientRetry? retry = null,
        EventBot.EventStore.Privacy.IMasterKey? master = null)
    {
        retry ??= new TransientRetry(new RetrySettings(), time ?? TimeProvider.System);
        // The same composition as the bot's (AddProjector), with the same dead-letter rules from the same
        // EVENTBOT_DEAD_LETTERS* variables. Its generation pointers are cached on the system clock, as always here.
        var services = new ServiceCollection()
            .AddSingleton(client)
            .AddSingleton(new DynamoDbStoreOptions { TablePrefix = tablePrefix })
            .AddSingleton(time ?? TimeProvider.System)
            .AddSingleton(loggers)
            .AddSingleton(retry)
            .AddSingleton<DynamoDbEventStore>()
            .AddSingleton<IViewStore, DynamoDbViewStore>()
            .AddSingleton(sp => new Generations(sp.GetRequiredService<IViewStore>()))
            .AddLambdaPrivacy(master)
            .AddProjector(name => Environment.GetEnvironmentVariable(EnvironmentName(name)), _ => "lambda")
            .BuildServiceProvider();
        var core = services.GetRequiredService<ProjectorCore>();
        var generations = services.GetRequiredService<Generations>();
        var counters = new StreamFeedCounters();
        var handler = new StreamsProjectionHandler(core, counters, loggers.CreateLogger<StreamsProjectionHandler>());
        return new ProjectorComposition(core, handler, counters, generations, loggers, retry) { Time = time ?? TimeProvider.System };
    }

    /// <summary>
    /// The composition from environment variables only, as the Lambda runtime provides them:
    /// <c>EVENTBOT_TABLE_PREFIX</c> (default <c>eventbot-</c>); region, credentials and endpoint from the AWS SDK's
    /// chain (<c>AWS_REGION</c>, the function role's credentials, <c>AWS_ENDPOINT_URL_DYNAMODB</c> /
    /// <c>AWS_ENDPOINT_URL</c> for LocalStack or DynamoDB Local).
    /// </summary>
    public static ProjectorComposition FromEnvironment()
    {
        var prefix = Environment.GetEnvironmentVariable(LambdaContract.TablePrefixVariable);
        if (string.IsNullOrEmpty(prefix)) prefix = EventBotTables.DefaultPrefix;
        var loggers = LoggerFactory.Create(b => b
            .SetMinimumLevel(LogLevel.Information)
            .AddFilter("Amazon", LogLevel.Warning)
            .AddProvider(new LambdaLoggerProvider(Console.Error)));
        // EVENTBOT_KMS_KEY_ID: the master key the bot encrypts under (docs/privacy.md); the projector must reveal with it.
        // Without KMS, the bot's key file (EVENTBOT_KEY_FILE, else eventbot.key in EVENTBOT_DATA_DIR) if there is one
        // (the `lambda invoke` verb beside a local bot); never created here.
        var kmsKey = Environment.GetEnvironmentVariable("EVENTBOT_KMS_KEY_ID");
        var keyFile = Environment.GetEnvironmentVariable("EVENTBOT_KEY_FILE") is { Length: > 0 } file ? file
            : Path.Combine(Environment.GetEnvironmentVariable("EVENTBOT_DATA_DIR") is { Length: > 0 } dir ? dir : "data", "eventbot.key");
        EventBot.EventStore.Privacy.IMasterKey? master = !string.IsNullOrEmpty(kmsKey)
            ? new EventBot.EventStore.Privacy.KmsMasterKey(new Amazon.KeyManagementService.AmazonKeyManagementServiceClient(), kmsKey)
            : File.Exists(keyFile) ? EventBot.EventStore.Privacy.LocalKeyFile.OpenOrCreate(keyFile) : null;
        var composition = Create(new AmazonDynamoDBClient(), prefix, loggers, master: master);
        // In the Lambda runtime (AWS_LAMBDA_FUNCTION_NAME is set) standard output, where CloudWatch Logs picks EMF up;
        // run by the `lambda invoke` verb, standard error, so standard output stays the batch response alone.
        composition.MetricsOut = string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AWS_LAMBDA_FUNCTION_NAME")) ? Console.Error : Console.Out;
        return composition;
    }
}

internal static class LambdaPrivacy
{
    /// <summary>With a master key, every read goes through the privacy layer and the core reveals records; else the store as is.</summary>
    public static IServiceCollection AddLambdaPrivacy(this IServiceCollection services, EventBot.EventStore.Privacy.IMasterKey? master)
    {
        if (master is null) return services.AddSingleton<IEventReader>(sp => sp.GetRequiredService<DynamoDbEventStore>());
        return services
            .AddSingleton(master)
            .AddSingleton<EventBot.EventStore.Privacy.IKeyStore>(sp => new EventBot.EventStore.Privacy.DynamoDbKeyStore(sp.GetRequiredService<IAmazonDynamoDB>(),
                sp.GetRequiredService<DynamoDbStoreOptions>(), sp.GetRequiredService<TransientRetry>()))
            .AddSingleton(sp => new EventBot.EventStore.Privacy.KeyRing(sp.GetRequiredService<EventBot.EventStore.Privacy.IKeyStore>(), master, sp.GetRequiredService<TimeProvider>()))
            .AddSingleton<EventBot.EventStore.Privacy.EventPrivacy>()
            .AddSingleton<IEventReader>(sp => EventBot.EventStore.Privacy.PrivateEventStore.Wrap(sp.GetRequiredService<DynamoDbEventStore>(),
                sp.GetRequiredService<EventBot.EventStore.Privacy.EventPrivacy>()));
    }
}
