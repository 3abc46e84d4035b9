using EventBot.Projections.Core;
using EventBot.Projections.Leaderboards;
using EventBot.Projections.Sparkle;

namespace EventBot.Projections.Tests.Leaderboards;

public sealed class SparkleProjectionTests : IDisposable
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private readonly BoardHarness _h = new();

    [Fact]
    public async Task Given_sparkles_then_the_total_counts_them_and_keeps_the_latest_ten_newest_first()
    {
        for (var i = 1; i <= 12; i++) await _h.SparkleAsync(i % 2 == 0 ? "alice" : "carol", "bob", Noon.AddMinutes(i), i == 12 ? "the review" : null);

        await _h.ProjectAllAsync();

        var total = await _h.TotalAsync("bob");
        Assert.NotNull(total);
        Assert.Equal((12, "bob", Noon.AddMinutes(12)), (total.Total, total.Name, total.LastAt));
        Assert.Equal(SparkleTotals.RecentKept, total.Recent.Count);
        Assert.Equal(new SparkleNote(BoardHarness.User("alice").Value, "alice", "the review", Noon.AddMinutes(12)), total.Recent[0]);
        Assert.Equal(Noon.AddMinutes(3), total.Recent[^1].At);
    }

    [Fact]
    public async Task Given_sparkles_then_the_board_ranks_by_score()
    {
        await _h.SparkleAsync("alice", "bob", Noon);
        await _h.SparkleAsync("alice", "carol", Noon.AddMinutes(1));
        await _h.SparkleAsync("bob", "carol", Noon.AddMinutes(2));
        await _h.SparkleAsync("carol", "dave", Noon.AddMinutes(3));
        await _h.SparkleAsync("bob", "dave", Noon.AddMinutes(4));
        await _h.SparkleAsync("alice", "dave", Noon.AddMinutes(5));

        await _h.ProjectAllAsync();

        Assert.Equal([(1, "dave", 3), (2, "carol", 2), (3, "bob", 1)], await _h.SparkleBoardAsync(BoardWindows.AllTime));
    }

    [Fact]
    public async Task On_equal_scores_whoever_reached_the_score_first_ranks_higher()
    {
        await _h.SparkleAsync("alice", "zed", Noon);
        await _h.SparkleAsync("alice", "amy", Noon.AddMinutes(1));
        await _h.SparkleAsync("carol", "amy", Noon.AddMinutes(2)); // amy reaches 2 first
        await _h.SparkleAsync("carol", "zed", Noon.AddMinutes(3)); // zed reaches 2 later

        await _h.ProjectAllAsync();

        Assert.Equal([(1, "amy", 2), (2, "zed", 2)], await _h.SparkleBoardAsync(BoardWindows.AllTime));
    }

    [Fact]
    public async Task Sunday_23_59_59_and_Monday_00_00_00_UTC_land_in_different_iso_weeks()
    {
        var sunday = new DateTimeOffset(2026, 11, 29, 23, 59, 59, TimeSpan.Zero);
        await _h.SparkleAsync("alice", "bob", sunday);
        await _h.SparkleAsync("carol", "bob", sunday.AddSeconds(1));

        await _h.ProjectAllAsync();

        Assert.Equal([(1, "bob", 1)], await _h.SparkleBoardAsync("2026-W48"));
        Assert.Equal([(1, "bob", 1)], await _h.SparkleBoardAsync("2026-W49"));
        Assert.Equal([(1, "bob", 2)], await _h.SparkleBoardAsync("2026-11"));
        Assert.Equal([(1, "bob", 2)], await _h.SparkleBoardAsync(BoardWindows.AllTime));
    }

    [Fact]
    public async Task The_last_second_of_a_month_and_the_first_of_the_next_land_in_different_months()
    {
        var last = new DateTimeOffset(2026, 11, 30, 23, 59, 59, TimeSpan.Zero);
        await _h.SparkleAsync("alice", "bob", last);
        await _h.SparkleAsync("carol", "bob", last.AddSeconds(1));

        await _h.ProjectAllAsync();

        Assert.Equal([(1, "bob", 1)], await _h.SparkleBoardAsync("2026-11"));
        Assert.Equal([(1, "bob", 1)], await _h.SparkleBoardAsync("2026-12"));
        Assert.Equal([(1, "bob", 2)], await _h.SparkleBoardAsync("2026-W49"));
    }

    [Fact]
    public void New_years_day_2027_is_in_iso_week_2026_W53_but_month_2027_01()
    {
        var newYear = new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(["all", "2026-W53", "2027-01"], BoardWindows.Standard(newYear));
        Assert.Equal("2026-W48", BoardWindows.Week(new DateTimeOffset(2026, 11, 30, 0, 59, 0, TimeSpan.FromHours(2)))); // Sunday 22:59 UTC
    }

    [Fact]
    public async Task A_gap_on_a_board_row_is_filled_and_a_duplicate_is_skipped()
    {
        var first = await _h.SparkleAsync("alice", "bob", Noon);
        var second = await _h.SparkleAsync("carol", "bob", Noon.AddMinutes(1));
        var third = await _h.SparkleAsync("dave", "bob", Noon.AddMinutes(2));

        await _h.Core.ProjectAsync([third], default); // v3 first: v1 and v2 come from the store
        await _h.Core.ProjectAsync([first, second, third], default); // late duplicates

        Assert.Equal([(1, "bob", 3)], await _h.SparkleBoardAsync("2026-W48"));
        var row = await _h.ReadModels.GetAsync(SparkleBoard.ProjectionName, new ViewKey(SparkleBoard.Partition(BoardHarness.GuildText, "2026-W48"), BoardHarness.User("bob").ToString()), default);
        Assert.Equal(3, row!.AppliedVersion(third.StreamId));
        Assert.Equal(3, (await _h.TotalAsync("bob"))!.Total);
    }

    [Fact]
    public async Task A_gap_fill_only_applies_the_earlier_events_of_the_rows_own_window()
    {
        var sunday = new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
        await _h.SparkleAsync("alice", "bob", sunday);
        await _h.SparkleAsync("carol", "bob", sunday.AddMinutes(1));
        var monday = await _h.SparkleAsync("dave", "bob", sunday.AddDays(1));

        await _h.Core.ProjectAsync([monday], default);

        Assert.Equal([(1, "bob", 1)], await _h.SparkleBoardAsync("2026-W49"));
        Assert.Equal([(1, "bob", 3)], await _h.SparkleBoardAsync(BoardWindows.AllTime));
        Assert.Empty(await _h.SparkleBoardAsync("2026-W48")); // never delivered: that row waits for its own events
    }

    [Fact]
    public async Task A_board_added_later_fills_from_history_with_a_rebuild()
    {
        var day1 = new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);
        await _h.SparkleAsync("alice", "bob", day1);
        await _h.SparkleAsync("carol", "bob", day1.AddHours(1));
        await _h.SparkleAsync("alice", "carol", day1.AddHours(2));
        await _h.SparkleAsync("bob", "carol", day1.AddDays(1));
        await _h.SparkleAsync("dave", "carol", day1.AddDays(1).AddHours(1));
        await _h.ProjectAllAsync();

        var byDay = new SparkleBoard("sparkle-board-by-day", at => [at.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.Empty(await _h.SparkleBoardAsync("2026-11-25", byDay.Name));

        var replayed = (await _h.NewRebuilder().RunAsync([byDay], progress: null, default)).Events;

        Assert.Equal(5, replayed);
        Assert.Equal([(1, "bob", 2), (2, "carol", 1)], await _h.SparkleBoardAsync("2026-11-25", byDay.Name));
        Assert.Equal([(1, "carol", 2)], await _h.SparkleBoardAsync("2026-11-26", byDay.Name));
        Assert.Equal([(1, "carol", 3), (2, "bob", 2)], await _h.SparkleBoardAsync(BoardWindows.AllTime)); // the standard board is untouched
    }

    [Fact]
    public async Task Duplicated_and_shuffled_delivery_converges_to_the_in_order_boards()
    {
        var random = new Random(11);
        string[] users = ["alice", "bob", "carol", "dave"];
        var start = new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 40; i++)
        {
            var (giver, target) = (users[random.Next(4)], users[random.Next(4)]);
            if (giver != target) await _h.SparkleAsync(giver, target, start.AddHours(i * 5));
        }
        var all = await _h.AllAsync();
        await _h.NewCore(targetGeneration: 50).ProjectAsync(all, default);
        var shuffled = all.Concat(all.Where(_ => random.Next(3) == 0)).OrderBy(_ => random.Next()).ToList();
        await _h.NewCore(targetGeneration: 60).ProjectAsync(shuffled, default);

        foreach (var window in new[] { "all", "2026-W48", "2026-W49", "2026-11", "2026-12" })
        {
            var expected = await _h.Views.QueryAsync(Generations.PhysicalPartition(SparkleBoard.ProjectionName, 50, SparkleBoard.Partition(BoardHarness.GuildText, window)), default);
            var actual = await _h.Views.QueryAsync(Generations.PhysicalPartition(SparkleBoard.ProjectionName, 60, SparkleBoard.Partition(BoardHarness.GuildText, window)), default);
            Assert.Equal(expected.Select(r => (r.Key.Sort, r.Body)), actual.Select(r => (r.Key.Sort, r.Body)));
        }
    }

    public void Dispose() => _h.Dispose();
}
