using EventBot.Bot.Adapters.Console;
using EventBot.Bot.Adapters.Discord;
using EventBot.Discord;
using EventBot.Bot.Chat;
using EventBot.Bot.Features.Play;
using EventBot.Bot.Interactions;
using EventBot.Bot.Parsing;
using EventBot.Bot.Pipeline;
using EventBot.EventStore;
using Amazon.DynamoDBv2;
using EventBot.EventStore.DynamoDb;
using EventBot.EventStore.Faults;
using EventBot.EventStore.Sqlite;
using EventBot.EventStore.Telemetry;
using EventBot.Projections.DynamoDb;
using EventBot.Projections.Feeds.Streams;
using EventBot.Projections.Core;
using EventBot.Projections.Replay;
using EventBot.Projections.Feeds;
using EventBot.Projections.Leases;
using EventBot.Projections.Sqlite;
using EventBot.Projections;
using Mediator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using EventBot.DynamoDbStreams;

namespace EventBot.Bot.Hosting;

public static class ServiceRegistration
{
    /// <summary>Everything but the chat adapter: options, store, projector, mediator pipeline.</summary>
    public static IServiceCollection AddEventBotCore(this IServiceCollection services, IConfiguration configuration, bool projectorOnly = false)
    {
        services.AddOptions<BotOptions>().Bind(configuration.GetSection(EventBotEnvironment.Section)).ValidateOnStart();
        // Generated from BotOptions' attributes (the same checks as ValidateDataAnnotations, without reflection at start).
        services.AddSingleton<IValidateOptions<BotOptions>, BotOptionsValidator>();
        // The host must give the adapters their whole drain window (EVENTBOT_SHUTDOWN_SECONDS) and then still stop the
        // projector after its last checkpoint; its own default (30 s) would cut a longer window short.
        // Read from configuration, not from the validated BotOptions: the host resolves HostOptions while it is being
        // built, and a bad setting must fail at start with its one-line reason, not inside Build(). An invalid value
        // falls back to the default here; the validation at start then names it.
        services.AddOptions<HostOptions>().Configure(host =>
        {
            var seconds = int.TryParse(configuration.GetSection(EventBotEnvironment.Section)[nameof(BotOptions.ShutdownSeconds)],
                System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var s) && s is >= 1 and <= 600 ? s : new BotOptions().ShutdownSeconds;
            host.ShutdownTimeout = TimeSpan.FromSeconds(seconds + 10);
        });
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(EventCodec.Default);

        var section = configuration.GetSection(EventBotEnvironment.Section);
        if ((section["Store"] ?? "sqlite").Equals("dynamodb", StringComparison.OrdinalIgnoreCase))
            services.AddDynamoDb(projectInProcess: projectorOnly || !(section["Projector"] ?? "inprocess").Equals("off", StringComparison.OrdinalIgnoreCase));
        else
            AddSqlite(services);

        // The projector as the Lambda composes it too: projections, core, dead letters, replay.
        services.AddProjector(name => section[name], sp => sp.GetService<SqliteEventStore>() is null ? "dynamodb-streams" : "sqlite-tail");
        // One rebuild at a time across processes (replay, replay --verify, projections retry): a row of the views store.
        services.AddSingleton(sp => new RebuildLease(sp.GetRequiredService<IViewStore>(), sp.GetRequiredService<TimeProvider>()));
        // The dead-letter gauge lists the dead letters (a Query of the views table): the bot's role may read views, the
        // projector verb's poller role writes them but never lists them, so that process leaves the gauge out.
        services.AddSingleton(sp => new LagReporter(sp.GetServices<IFeedLagSource>(), sp.GetRequiredService<IViewStore>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<LagReporter>>(),
            sp.GetService<System.Diagnostics.Metrics.IMeterFactory>(), sp.GetServices<IProjection>(),
            projectorOnly ? null : sp.GetRequiredService<DeadLetterStore>()));
        services.AddHostedService(sp => sp.GetRequiredService<LagReporter>());
        services.AddSingleton(sp => new ReadYourWrites(sp.GetRequiredService<IViewStore>(), sp.GetRequiredService<Generations>(),
            sp.GetRequiredService<ProjectionSignals>(), sp.GetRequiredService<TimeProvider>())
        {
            Timeout = TimeSpan.FromMilliseconds(sp.GetRequiredService<IOptions<BotOptions>>().Value.ReadYourWritesMs),
        });

        services.AddSingleton(sp => new ProjectionRoutes(sp.GetServices<IProjection>(), sp.GetRequiredService<EventCodec>()));
        services.AddSingleton<PendingWrites>();
        // Hosted after the feeds and before the chat adapters: it stops after the adapters and before the projector.
        services.AddHostedService(sp => sp.GetRequiredService<PendingWrites>());
        services.AddSingleton<AggregateService>();
        services.AddSingleton<EventBot.Bot.Features.Privacy.Erasure>();
        services.AddSingleton<EventBot.Bot.Features.Privacy.PrivacyExport>();
        services.AddSingleton<EventBot.Bot.Features.Privacy.LegacyRewrite>();
        services.AddSingleton<EventBot.Bot.Features.Privacy.PendingConfirmations>();
        services.AddSingleton<IRandomSource, CryptoRandomSource>();
        services.AddSingleton(sp => CommandParser.For(sp.GetRequiredService<IOptions<BotOptions>>().Value));
        services.AddSingleton<ChatBot>();
        // One set of lanes for every chat input, so a server's commands run in order whether typed or slashed.
        services.AddSingleton(sp => new GuildLanes(sp.GetRequiredService<IOptions<BotOptions>>().Value.ParallelGuilds));
        services.AddSingleton<Autocomplete>();
        services.AddSingleton<InteractionHandler>();
        services.AddSingleton<IInteractionHandler>(sp => sp.GetRequiredService<InteractionHandler>());
        services.AddSingleton<BotExit>();
        // EVENTBOT_HTTP_PORT: /healthz, /readyz, /metrics (nothing listens when it is unset).
        services.AddSingleton<ReadinessProbe>();
        services.AddSingleton<HttpEndpointsService>();
        services.AddHostedService(sp => sp.GetRequiredService<HttpEndpointsService>());
        services.AddMediator((MediatorOptions options) =>
        {
            options.ServiceLifetime = ServiceLifetime.Singleton;
            options.PipelineBehaviors = [typeof(LoggingBehaviour<,>), typeof(TransientFailureBehaviour<,>), typeof(GuildScopeBehaviour<,>),
                typeof(ReadYourWritesBehaviour<,>)];
        });
        return services;
    }

    public static IServiceCollection AddConsoleChat(this IServiceCollection services, ConsoleStreams? streams = null)
    {
        services.AddSingleton(streams ?? ConsoleStreams.Process());
        services.AddHostedService<ConsoleChat>();
        return services;
    }

    public static IServiceCollection AddDiscordChat(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddDiscordClient(configuration);
        // The purge after the bot is removed from a server (EVENTBOT_GUILD_RETENTION_DAYS): before the adapter, which feeds it.
        services.AddSingleton<EventBot.Bot.Features.Privacy.GuildRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<EventBot.Bot.Features.Privacy.GuildRetention>());
        services.AddHostedService<DiscordChat>();
        // EVENTBOT_SYNC_COMMANDS: register the slash commands after READY when they differ (off by default).
        services.AddApplicationCommandSource();
        services.AddSingleton<ApplicationCommandsAtStart>();
        services.AddHostedService(sp => sp.GetRequiredService<ApplicationCommandsAtStart>());
        return services;
    }

    private static void AddSqlite(IServiceCollection services)
    {
        services.AddSingleton(sp => new SqliteDatabase(sp.GetRequiredService<IOptions<BotOptions>>().Value.DatabasePath));
        services.AddSingleton<SqliteEventStore>();
        services.AddPrivacy<SqliteEventStore>(sp => new EventBot.EventStore.Privacy.SqliteKeyStore(sp.GetRequiredService<SqliteDatabase>()));
        services.AddInstrumentedWriters<EventBot.EventStore.Privacy.PrivateEventStore>("sqlite");
        services.AddSingleton<IEventReader>(sp => sp.GetRequiredService<EventBot.EventStore.Privacy.PrivateEventStore>());
        services.AddSingleton<IViewStore, SqliteViewStore>();
        services.AddSingleton<SqliteTail>();
        services.AddHostedService(sp => sp.GetRequiredService<SqliteTail>());
        services.AddSingleton<IFeedLagSource, SqliteTailLag>();
    }

    /// <summary>
    /// DynamoDB mode: endpoint, region and credentials come from the AWS SDK's standard chain (AWS_REGION,
    /// AWS_PROFILE, AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_DYNAMODB, …), so LocalStack, DynamoDB Local and AWS all work.
    /// </summary>
    public static IServiceCollection AddDynamoDb(this IServiceCollection services, bool projectInProcess)
    {
        services.AddSingleton(sp =>
        {
            var bot = sp.GetRequiredService<IOptions<BotOptions>>().Value;
            return new DynamoDbStoreOptions { TablePrefix = bot.TablePrefix, ScanSegments = bot.ScanSegments };
        });
        services.AddSingleton<IAmazonDynamoDB>(_ =>
        {
            SettingsCheck.RequireRegion(BotHost.AwsRegion);
            return new AmazonDynamoDBClient();
        });
        // The one retry policy of every DynamoDB call the stores make (the Streams poller builds its own from its options).
        services.AddSingleton(sp => DynamoDbRetryLog.Policy(sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>()));
        services.AddSingleton<DynamoDbEventStore>();
        services.AddPrivacy<DynamoDbEventStore>(sp => new EventBot.EventStore.Privacy.DynamoDbKeyStore(sp.GetRequiredService<IAmazonDynamoDB>(),
            sp.GetRequiredService<DynamoDbStoreOptions>(), sp.GetRequiredService<TransientRetry>()));
        services.AddInstrumentedWriters<EventBot.EventStore.Privacy.PrivateEventStore>("dynamodb");
        services.AddSingleton<IEventReader>(sp => sp.GetRequiredService<EventBot.EventStore.Privacy.PrivateEventStore>());
        services.AddSingleton<IViewStore, DynamoDbViewStore>();
        // Registered before the poller: hosted services start in order, and the poller needs the tables.
        services.AddHostedService<TableCreation>();
        services.AddSingleton<StreamFeedCounters>();
        services.AddSingleton<IStreamBatchHandler, StreamsProjectionHandler>();
        services.AddSingleton<IShardCheckpointStore, ViewStoreShardCheckpoints>();
        services.AddOptions<StreamsPollerOptions>().PostConfigure<IOptions<BotOptions>>((poller, bot) =>
            poller.TableName ??= EventBotTables.EventsTableName(bot.Value.TablePrefix));
        // A rebuild catches up from the table's stream (its own reader, started with the rebuild), not a second Scan.
        services.AddDynamoDbStreamsClient();
        services.AddSingleton<IRebuildCatchUpFeed, StreamsRebuildFeed>();
        if (projectInProcess)
        {
            services.AddDynamoDbStreamsPoller();
            services.AddSingleton<IFeedLagSource, StreamsPollerLag>();
        }
        return services;
    }

    /// <summary>
    /// IEventStore and IEventWriter go through <see cref="InstrumentedEventStore"/> (append spans, metrics, traceparent,
    /// log scope); IEventReader stays the store itself, so readers keep its extra capabilities.
    /// </summary>
    private static void AddInstrumentedWriters<TStore>(this IServiceCollection services, string storeName) where TStore : class, IEventStore
    {
        services.AddSingleton(sp => new InstrumentedEventStore(sp.GetRequiredService<TStore>(), storeName,
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<InstrumentedEventStore>>()));
        services.AddSingleton<IEventStore>(sp => sp.GetRequiredService<InstrumentedEventStore>());
        services.AddSingleton<IEventWriter>(sp => sp.GetRequiredService<InstrumentedEventStore>());
    }

    private static void TryAddSingleton<T>(this IServiceCollection services, T instance) where T : class
    {
        if (services.All(d => d.ServiceType != typeof(T))) services.AddSingleton(instance);
    }
}
