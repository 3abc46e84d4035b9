using EventBot.Bot.Chat;
using EventBot.Bot.Pipeline;
using EventBot.Domain.Common;
using EventBot.Domain.Sparkle;
using EventBot.Projections.Core;
using EventBot.Projections.Leaderboards;
using EventBot.Projections.Sparkle;

namespace EventBot.Bot.Features.Sparkle;

/// <summary>
/// Read-your-writes for sparkles: reply once the receiver's total and their three board rows (all time, this week,
/// this month) have applied the new version, so <c>.show sparkles</c> or <c>.leaderboard</c> right after agree.
/// </summary>
public sealed class SparkleConsistency(ReadYourWrites readYourWrites)
{
    public async Task<Reply> AfterWriteAsync(GuildId guild, SparkleEvent.SparkleGiven given, long version, string text, CancellationToken ct)
    {
        var guildId = guild.ToString();
        var at = given.At ?? throw new InvalidOperationException("A new sparkle always carries its decision time.");
        IEnumerable<ProjectedRow> rows =
        [
            new(SparkleTotals.ProjectionName, SparkleTotals.RowFor(guildId, given.TargetId)),
            .. BoardWindows.Standard(at).Select(w => new ProjectedRow(SparkleBoard.ProjectionName, SparkleBoard.RowFor(guildId, w, given.TargetId))),
        ];
        var stream = SparkleStream.For(guild, new UserId(given.TargetId));
        var caughtUp = await readYourWrites.WaitAllAsync(rows, stream, version, ct);
        return Reply.Of(caughtUp ? text : $"{text}\n(saved; totals and leaderboards are still catching up, so they may lag for a moment)");
    }
}
