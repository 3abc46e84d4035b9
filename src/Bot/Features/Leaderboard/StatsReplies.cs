using EventBot.Bot.Chat;

namespace EventBot.Bot.Features.Leaderboard;

/// <summary>How <c>.stats</c> reads: aligned name/number lines for the console, inline fields for Discord.</summary>
public static class StatsReplies
{
    public static Reply Render(int keys, int given, int games, long events)
    {
        var fields = new ReplyField[]
        {
            new("Keys remembered", $"{keys}", Inline: true),
            new("Sparkles given", $"{given}", Inline: true),
            new("Games played", $"{games}", Inline: true),
            new("Events recorded", $"{events}", Inline: true),
        };
        var (names, values) = (fields.Max(f => f.Name.Length) + 2, fields.Max(f => f.Value.Length));
        var text = "📊 This server\n" + string.Join('\n', fields.Select(f => f.Name.PadRight(names) + f.Value.PadLeft(values)));
        return new Reply(text, new ReplyEmbed("📊 This server", null, fields));
    }
}
