using EventBot.EventStore;
using EventBot.Projections.Core;
using EventBot.Projections.Privacy;
using EventBot.Projections.Replay;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace EventBot.Projections;

public static class ProjectorServiceCollectionExtensions
{
    /// <summary>
    /// The projector, composed once for every host (the bot, the <c>projector</c> verb, the Lambda): the projections
    /// of <see cref="ProjectionCatalog"/>, generations, signals, read models, dead letters and their policy, the
    /// <see cref="ProjectorCore"/> every feed shares, and replay (<see cref="Rebuilder"/>, <see cref="RowRebuilder"/>).
    /// The caller registers the stores (<see cref="IEventReader"/>, <see cref="IViewStore"/>), an
    /// <see cref="ILoggerFactory"/> and, where it has one, an <see cref="IRebuildCatchUpFeed"/>; services it registered
    /// first are kept.
    /// </summary>
    /// <param name="setting">
    /// Reads a dead-letter setting by name (<c>DeadLetters</c>, <c>DeadLetters_SPARKLE_TOTALS</c>,
    /// <c>DeadLetterAttempts</c>): the bot's <c>EventBot</c> configuration section, or the Lambda's environment.
    /// </param>
    /// <param name="feed">The name of the feed that drives the live core (<c>sqlite-tail</c>, <c>dynamodb-streams</c>,
    /// <c>lambda</c>), as its spans and metrics are tagged; default <c>live</c>.</param>
    public static IServiceCollection AddProjector(this IServiceCollection services, Func<string, string?> setting,
        Func<IServiceProvider, string>? feed = null)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(EventCodec.Default);
        // Projections: the one shared list; the core, the feeds and replay all take the whole set.
        if (services.All(d => d.ServiceType != typeof(IProjection)))
        {
            foreach (var projection in ProjectionCatalog.All()) services.AddSingleton(projection);
        }
        services.TryAddSingleton<Generations>();
        services.TryAddSingleton<ProjectionSignals>();
        services.TryAddSingleton<ReadModels>();
        // Dead letters: EVENTBOT_DEAD_LETTERS=skip|stop, EVENTBOT_DEAD_LETTERS_<PROJECTION>, EVENTBOT_DEAD_LETTER_ATTEMPTS.
        services.TryAddSingleton<DeadLetterStore>();
        services.TryAddSingleton(sp => DeadLetterPolicy.From(setting, sp.GetServices<IProjection>().Select(p => p.Name)));
        services.TryAddSingleton(sp => new ProjectorCore(
            [.. sp.GetServices<IProjection>()], sp.GetRequiredService<IViewStore>(), sp.GetRequiredService<IEventReader>(),
            sp.GetRequiredService<EventCodec>(), sp.GetRequiredService<Generations>(), sp.GetRequiredService<ProjectionSignals>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<ProjectorCore>())
        {
            DeadLetters = sp.GetRequiredService<DeadLetterStore>(),
            DeadLetterPolicy = sp.GetRequiredService<DeadLetterPolicy>(),
            Feed = feed?.Invoke(sp) ?? "live",
            Privacy = sp.GetService<EventStore.Privacy.EventPrivacy>(),
            Erasures = sp.GetService<EventStore.Privacy.EventPrivacy>() is null ? null : sp.GetRequiredService<ErasureReprojection>(),
        });
        services.TryAddSingleton(sp => new ErasureReprojection(sp.GetRequiredService<IEventReader>(), sp.GetRequiredService<IViewStore>(),
            sp.GetRequiredService<EventCodec>(), sp.GetRequiredService<RowRebuilder>(), sp.GetRequiredService<Generations>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<ErasureReprojection>())
        {
            ForgetCachedKeys = sp.GetService<EventStore.Privacy.EventPrivacy>() is { } privacy ? privacy.Keys.ForgetCached : null,
        });
        services.TryAddSingleton(sp => new Rebuilder(sp.GetRequiredService<IEventReader>(), sp.GetRequiredService<IViewStore>(),
            sp.GetRequiredService<EventCodec>(), sp.GetRequiredService<Generations>(), sp.GetRequiredService<ProjectionSignals>(),
            sp.GetRequiredService<ILoggerFactory>())
        {
            DeadLetters = sp.GetRequiredService<DeadLetterStore>(),
            DeadLetterPolicy = sp.GetRequiredService<DeadLetterPolicy>(),
            Time = sp.GetRequiredService<TimeProvider>(),
            CatchUpFeed = sp.GetService<IRebuildCatchUpFeed>() is { } catchUp && sp.GetService<EventStore.Privacy.EventPrivacy>() is { } privacy
                ? new RevealingCatchUpFeed(catchUp, privacy)
                : sp.GetService<IRebuildCatchUpFeed>(),
            ReuseSlots = sp.GetRequiredService<IViewStore>() is IBatchViewStore { PrefersSlotReuse: true },
            Erasures = sp.GetService<EventStore.Privacy.EventPrivacy>() is null ? null : sp.GetRequiredService<ErasureReprojection>(),
        });
        services.TryAddSingleton(sp => new RowRebuilder(sp.GetRequiredService<IEventReader>(), sp.GetRequiredService<IViewStore>(),
            sp.GetRequiredService<EventCodec>(), sp.GetRequiredService<Generations>())
        {
            DeadLetters = sp.GetRequiredService<DeadLetterStore>(),
        });
        return services;
    }
}
