using EventBot.Domain.Play;
using EventBot.Domain.Remember;
using EventBot.Domain.Sparkle;
using EventBot.EventStore;
using EventBot.Projections;
using EventBot.Projections.Core;

namespace EventBot.Projections.Tests.Core;

/// <summary>Read-your-writes waits for the rows the projections themselves route an event to, no more and no fewer.</summary>
public sealed class ProjectionRoutesTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private static readonly ProjectionRoutes Routes = new(ProjectionCatalog.All(), EventCodec.Default);

    private static EventEnvelope Envelope(string stream, long version, object @event)
    {
        var data = EventCodec.Default.Encode(@event);
        return new EventEnvelope(stream, version, Guid.CreateVersion7(), data.Type, data.SchemaVersion, data.Data, "1", "2", "Ann", $"m{version}", Noon);
    }

    [Fact]
    public void A_remembered_value_touches_its_key_row_only()
    {
        var rows = Routes.RowsTouchedBy([Envelope("remember/1/k", 3, new RememberEvent.ValueRemembered("K", "v", null))]).ToList();
        var row = Assert.Single(rows);
        Assert.Equal(("remember-values", "remember/1/k", 3L), (row.Projection, row.StreamId, row.Version));
    }

    [Fact]
    public void A_sparkle_touches_the_receivers_total_and_their_three_board_rows()
    {
        var given = new SparkleEvent.SparkleGiven(2, "Ann", 3, "Bob", null, Noon);
        var rows = Routes.RowsTouchedBy([Envelope("sparkle/1/3", 1, given)]).ToList();
        Assert.Equal(["sparkle-board", "sparkle-board", "sparkle-board", "sparkle-totals"], rows.Select(r => r.Projection).Order());
        Assert.All(rows, r => Assert.Equal(("sparkle/1/3", 1L), (r.StreamId, r.Version)));
    }

    [Fact]
    public void A_game_touches_the_players_stats_and_six_board_rows()
    {
        var played = new PlayEvent.GamePlayed(Game.Coin, "heads", null, CoinSide.Heads, null, null, GameResult.Win, Noon);
        var rows = Routes.RowsTouchedBy([Envelope("play/1/2", 4, played)]).ToList();
        Assert.Equal(6, rows.Count(r => r.Projection == "play-board"));
        Assert.Single(rows, r => r.Projection == "play-stats");
        Assert.Equal(7, rows.Distinct().Count());
    }
}
