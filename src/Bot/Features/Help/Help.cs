using System.Text;
using EventBot.Bot.Chat;
using EventBot.Bot.Hosting;
using Mediator;
using Microsoft.Extensions.Options;

namespace EventBot.Bot.Features.Help;

/// <summary><c>.help</c>: every command with a one-line description.</summary>
public static class Help
{
    /// <summary>The command list, kept in one place for help and hints. Usage is written without the prefix.</summary>
    public static readonly IReadOnlyList<(string Usage, string Description)> Commands =
    [
        ("remember <key> is <value>", "remember a value (replaces the old one; history keeps it)"),
        ("remember <key>", "recall a value"),
        ("forget <key>", "forget a value"),
        ("remember search [text]", "list this server's keys, best matches first"),
        ("remember history [key] [page N]", "who changed what and when, newest first"),
        ("remember <key> as of <time>", "the value a key had then (`2026-11-20`, `2026-11-20T14:30Z`, `3d ago`, `2h ago`, `15m ago`)"),
        ("remember restore <key> <version>", "bring back the value of an earlier version (as a new change)"),
        ("sparkle @user [for <reason>]", "thank someone with a sparkle (reason optional, up to 100 characters)"),
        ("show sparkles [@user]", "sparkles received, rank in this server and the latest reasons"),
        ("play rps <rock|paper|scissors>", "rock, paper, scissors against the bot"),
        ("play coin <heads|tails>", "call a coin flip"),
        ("play dice [NdM] [target]", "roll dice: reach the target, or beat the bot's roll"),
        ("play stats [@user]", "plays, wins, losses, draws and streaks (no user: this server)"),
        ("leaderboard sparkles [week|month|all]", "top 10 by sparkles received (`lb` for short)"),
        ("leaderboard play [game] [week|month|all]", "top 10 by wins, one game or all"),
        ("stats", "this server's totals"),
        ("help", "this list"),
    ];

    public sealed record Query(ChatMessage Chat) : IQuery<Reply>;

    public sealed class Handler(IOptions<BotOptions> options) : IQueryHandler<Query, Reply>
    {
        public ValueTask<Reply> Handle(Query query, CancellationToken cancellationToken)
        {
            var prefix = options.Value.Prefix;
            var text = new StringBuilder("Commands:");
            foreach (var (usage, description) in Commands) text.Append($"\n{prefix}{usage} — {description}");
            text.Append($"\n(`{prefix}rem` is short for `{prefix}remember`.)");
            var embed = new ReplyEmbed("EventBot commands", null, [.. Commands.Select(c => new ReplyField(prefix + c.Usage, c.Description))]);
            return ValueTask.FromResult(new Reply(text.ToString(), embed));
        }
    }
}
