using EventBot.Bot.Features.Leaderboard;

namespace EventBot.Bot.Tests.Features.Leaderboard;

public sealed class TextTableTests
{
    [Fact]
    public void Columns_align_by_visible_width_and_long_names_are_cut_whole()
    {
        var family = "👨‍👩‍👧"; // one visible character, five code points
        var table = TextTable.Render(["#", "Name", "Score"], [["1", family + new string('a', 30), "12"], null, ["10", "bo", "3"]], new HashSet<int>([0, 2]));

        Assert.Equal($" #  Name                  Score\n 1  {family}{new string('a', 18)}…     12\n…\n10  bo                        3", table);
    }
}
