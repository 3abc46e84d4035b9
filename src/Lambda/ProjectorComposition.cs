using Amazon.DynamoDBv2;
using EventBot.EventStore;
using EventBot.EventStore.DynamoDb;
using EventBot.EventStore.Faults;
using EventBot.Projections;
using EventBot.Projections.Core;
using EventBot.Projections.DeadLetters;
using EventBot.Projections.DynamoDb;
using EventBot.Projections.Feeds;
using Microsoft.Extensions.Logging;

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

    /// <summary><c>DeadLetterAttempts</c> → <c>EVENTBOT_DEAD_LETTER_ATTEMPTS</c>.</summary>
    public static string EnvironmentName(string setting) =>
        "EVENTBOT_" + string.Concat(setting.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : char.ToUpperInvariant(c).ToString()));

    /// <param name="client">The DynamoDB client; owned by the caller (a container keeps it for its lifetime).</param>
    /// <param name="tablePrefix">Prefix of the events and views tables, as <c>EVENTBOT_TABLE_PREFIX</c>.</param>
    /// <param name="retry">Default: <see cref="RetrySettings"/>' defaults on <paramref name="time"/>.</param>
    public static ProjectorComposition Create(IAmazonDynamoDB client, string tablePrefix, ILoggerFactory loggers, TimeProvider? time = null, TransientRetry? retry = null)
    {
        var options = new DynamoDbStoreOptions { TablePrefix = tablePrefix };
        retry ??= new TransientRetry(new RetrySettings(), time ?? TimeProvider.System);
        var store = new DynamoDbEventStore(client, options, time ?? TimeProvider.System, retry);
        var views = new DynamoDbViewStore(client, options, retry);
        var generations = new Generations(views);
        var projections = ProjectionCatalog.All();
        // The same dead-letter rules as the bot and the poller, from the same EVENTBOT_DEAD_LETTERS* variables.
        var core = new ProjectorCore(projections, views, store, EventCodec.Default, generations, new ProjectionSignals(),
            loggers.CreateLogger<ProjectorCore>())
        {
            DeadLetters = new DeadLetterStore(views, time ?? TimeProvider.System),
            DeadLetterPolicy = DeadLetterPolicy.From(name => Environment.GetEnvironmentVariable(EnvironmentName(name)), projections.Select(p => p.Name)),
        };
        var counters = new StreamFeedCounters();
        var handler = new StreamsProjectionHandler(core, counters, loggers.CreateLogger<StreamsProjectionHandler>());
        return new ProjectorComposition(core, handler, counters, generations, loggers, retry);
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
        return Create(new AmazonDynamoDBClient(), prefix, loggers);
    }
}
