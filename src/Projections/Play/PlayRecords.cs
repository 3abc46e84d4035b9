using System.Globalization;
using EventBot.Domain.Common;
using EventBot.Domain.Play;
using EventBot.EventStore;
using EventBot.Projections.Core;
using static EventBot.Domain.Play.PlayEvent;

namespace EventBot.Projections.Play;

/// <summary>One player's record in a server, per game and in total (the domain's own fold).</summary>
public sealed record PlayerRecord(ulong UserId, string Name, PlayerStats Stats, DateTimeOffset LastPlayedAt);

/// <summary>
/// Play statistics per player: one partition per guild, one row per player, fed by exactly one stream
/// (<c>play/{guild}/{user}</c>). The tallies are <see cref="PlayerStats.Evolve"/>, so the read model and the
/// aggregate can never disagree about a streak.
/// </summary>
public sealed class PlayRecords : Projection<PlayerRecord>
{
    public const string ProjectionName = "play-stats";

    public PlayRecords() =>
        On<GamePlayed>((doc, env, e) => new PlayerRecord(
            PlayerOf(env), env.ActorName, PlayerStats.Evolve(doc?.Stats ?? PlayerStats.Initial, e), e.At));

    public override string Name => ProjectionName;

    public static ViewKey RowFor(string guildId, ulong userId) => new(guildId, userId.ToString(CultureInfo.InvariantCulture));

    public override IEnumerable<ViewKey> RowsFor(EventEnvelope envelope, object @event) => [RowFor(envelope.GuildId, PlayerOf(envelope))];

    /// <summary>The stream names the player; the actor is the same person, but the stream is what feeds the row.</summary>
    public static ulong PlayerOf(EventEnvelope envelope) => Erased.UserIdOf(StreamIds.Split(envelope.StreamId).Id);
}
