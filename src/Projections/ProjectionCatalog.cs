using EventBot.Projections.Core;
using EventBot.Projections.Play;
using EventBot.Projections.Privacy;
using EventBot.Projections.Remember;
using EventBot.Projections.Sparkle;

namespace EventBot.Projections;

/// <summary>
/// Every read model, listed once. The bot's container and the Lambda projector both take this list, so a projection
/// added here is fed by every projector (in-process poller, SQLite tail, Lambda) and rebuilt by replay.
/// </summary>
public static class ProjectionCatalog
{
    /// <summary>New instances of every projection (they are stateless; one set per composition is enough).</summary>
    public static IReadOnlyList<IProjection> All() =>
    [
        new RememberedValues(),
        new SparkleTotals(),
        new SparkleBoard(),
        new PlayRecords(),
        new PlayBoard(),
        new GuildPurges(),
    ];
}
