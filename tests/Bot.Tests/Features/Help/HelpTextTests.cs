using EventBot.Bot.Features.Help;
using EventBot.Bot.Parsing;

namespace EventBot.Bot.Tests.Features.Help;

/// <summary>The generated <c>.help</c> reads exactly as the hand-written list it replaced.</summary>
public sealed class HelpTextTests
{
    private const string Expected = """
        Commands:
        .remember <key> is <value> — remember a value (replaces the old one; history keeps it)
        .remember <key> — recall a value
        .remember get <key> — recall a value; works for keys named like a subcommand (`history`, `search`, …)
        .forget <key> — forget a value
        .remember search [text] — list this server's keys, best matches first
        .remember history [key] [page N] — who changed what and when, newest first
        .remember <key> as of <time> — the value a key had then (`2026-11-20`, `2026-11-20T14:30Z`, `3d ago`, `2h ago`, `15m ago`)
        .remember restore <key> <version> — bring back the value of an earlier version (as a new change)
        .remember redact <key> <version> — erase one version's value for good (moderators)
        .sparkle @user [for <reason>] — thank someone with a sparkle (reason optional, up to 100 characters)
        .show sparkles [@user] — sparkles received, rank in this server and the latest reasons
        .play rps <rock|paper|scissors> — rock, paper, scissors against the bot
        .play coin <heads|tails> — call a coin flip
        .play dice [NdM] [target] — roll dice: reach the target, or beat the bot's roll
        .play stats [@user] — plays, wins, losses, draws and streaks (no user: this server)
        .leaderboard sparkles [week|month|all] — top 10 by sparkles received (`lb` for short)
        .leaderboard play [game] [week|month|all] — top 10 by wins, one game or all
        .stats — this server's totals
        .privacy forget-me — erase your identity and what you wrote, for good (asks to confirm)
        .privacy export — every event about you, decrypted, as a JSON file
        .help — this list
        (`.rem` is short for `.remember`.)
        """;

    [Fact]
    public void The_help_text_is_unchanged()
    {
        var parser = new CommandParser(".");
        var reply = HelpReplies.Render(parser.Prefix, parser.Syntaxes);
        Assert.Equal(Expected.ReplaceLineEndings("\n"), reply.Text);
        Assert.Equal(21, reply.Embed!.Fields.Count);
        Assert.Equal(("EventBot commands", ".remember <key> is <value>"), (reply.Embed.Title, reply.Embed.Fields[0].Name));
    }
}
