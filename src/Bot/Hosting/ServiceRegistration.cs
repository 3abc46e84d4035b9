using EventBot.Bot.Adapters.Console;
using EventBot.Bot.Chat;
using EventBot.Bot.Features.Play;
using EventBot.Bot.Features.Remember;
using EventBot.Bot.Features.Sparkle;
using EventBot.Bot.Parsing;
using EventBot.Bot.Pipeline;
using EventBot.EventStore;
using EventBot.EventStore.Sqlite;
using EventBot.Projections.Core;
using EventBot.Projections.Feeds;
using EventBot.Projections.Play;
using EventBot.Projections.Remember;
using EventBot.Projections.Sparkle;
using EventBot.Projections.Sqlite;
using Mediator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EventBot.Bot.Hosting;

public static class ServiceRegistration
{
    /// <summary>Everything but the chat adapter: options, store, projector, mediator pipeline.</summary>
    public static IServiceCollection AddEventBotCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BotOptions>().Bind(configuration.GetSection(EventBotEnvironment.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(EventCodec.Default);

        var store = configuration.GetSection(EventBotEnvironment.Section)["Store"] ?? "sqlite";
        if (store.Equals("sqlite", StringComparison.OrdinalIgnoreCase)) AddSqlite(services);

        // Projections: one registration per read model; the core, the feeds and replay all take the whole set.
        services.AddSingleton<IProjection, RememberedValues>();
        services.AddSingleton<IProjection, SparkleTotals>();
        services.AddSingleton<IProjection, SparkleBoard>();
        services.AddSingleton<IProjection, PlayRecords>();
        services.AddSingleton<IProjection, PlayBoard>();

        services.AddSingleton<Generations>();
        services.AddSingleton<ProjectionSignals>();
        services.AddSingleton<ReadModels>();
        services.AddSingleton<Rebuilder>();
        services.AddSingleton(sp => new ProjectorCore(
            [.. sp.GetServices<IProjection>()], sp.GetRequiredService<IViewStore>(), sp.GetRequiredService<IEventReader>(),
            sp.GetRequiredService<EventCodec>(), sp.GetRequiredService<Generations>(), sp.GetRequiredService<ProjectionSignals>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<ProjectorCore>>()));
        services.AddSingleton(sp => new ReadYourWrites(sp.GetRequiredService<IViewStore>(), sp.GetRequiredService<Generations>(),
            sp.GetRequiredService<ProjectionSignals>(), sp.GetRequiredService<TimeProvider>())
        {
            Timeout = TimeSpan.FromMilliseconds(sp.GetRequiredService<IOptions<BotOptions>>().Value.ReadYourWritesMs),
        });

        services.AddSingleton<AggregateService>();
        services.AddSingleton<RememberConsistency>();
        services.AddSingleton<SparkleConsistency>();
        services.AddSingleton<PlayConsistency>();
        services.AddSingleton<IRandomSource, CryptoRandomSource>();
        services.AddSingleton(sp => CommandParser.For(sp.GetRequiredService<IOptions<BotOptions>>().Value));
        services.AddSingleton<ChatBot>();
        services.AddMediator((MediatorOptions options) =>
        {
            options.ServiceLifetime = ServiceLifetime.Singleton;
            options.PipelineBehaviors = [typeof(LoggingBehaviour<,>), typeof(GuildScopeBehaviour<,>), typeof(ValidationBehaviour<,>)];
        });
        return services;
    }

    public static IServiceCollection AddConsoleChat(this IServiceCollection services, ConsoleStreams? streams = null)
    {
        services.AddSingleton(streams ?? ConsoleStreams.Process());
        services.AddHostedService<ConsoleChat>();
        return services;
    }

    private static void AddSqlite(IServiceCollection services)
    {
        services.AddSingleton(sp => new SqliteDatabase(Path.Combine(sp.GetRequiredService<IOptions<BotOptions>>().Value.DataDir, "eventbot.db")));
        services.AddSingleton<SqliteEventStore>();
        services.AddSingleton<IEventStore>(sp => sp.GetRequiredService<SqliteEventStore>());
        services.AddSingleton<IEventReader>(sp => sp.GetRequiredService<SqliteEventStore>());
        services.AddSingleton<IEventWriter>(sp => sp.GetRequiredService<SqliteEventStore>());
        services.AddSingleton<IViewStore, SqliteViewStore>();
        services.AddSingleton<SqliteTail>();
        services.AddHostedService(sp => sp.GetRequiredService<SqliteTail>());
    }

    private static void TryAddSingleton<T>(this IServiceCollection services, T instance) where T : class
    {
        if (services.All(d => d.ServiceType != typeof(T))) services.AddSingleton(instance);
    }
}
