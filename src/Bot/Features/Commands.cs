using HelpCommand = EventBot.Bot.Features.Help.Help;
using EventBot.Bot.Features.Leaderboard;
using EventBot.Bot.Features.Play;
using EventBot.Bot.Features.Remember;
using EventBot.Bot.Features.Sparkle;
using EventBot.Bot.Parsing;

namespace EventBot.Bot.Features;

/// <summary>
/// Every command, one line each: the parser routes to these declarations and <c>.help</c> lists them in this order.
/// A new command adds its line here; everything else about it lives in its slice.
/// </summary>
public static class Commands
{
    public static readonly IReadOnlyList<CommandSyntax> All =
    [
        RememberValue.Syntax,
        Recall.Syntax,
        Recall.Get,
        Forget.Syntax,
        Search.Syntax,
        History.Syntax,
        AsOf.Syntax,
        Restore.Syntax,
        Redact.Syntax,
        GiveSparkle.Syntax,
        ShowSparkles.Syntax,
        PlayGame.Syntax,
        PlayStatistics.Syntax,
        SparkleLeaderboard.Syntax,
        PlayLeaderboard.Syntax,
        ServerStats.Syntax,
        Privacy.ForgetMe.Syntax,
        Privacy.ExportMine.Syntax,
        HelpCommand.Syntax,
    ];

    /// <summary>
    /// Every slash command, one line each (a slice's subcommands in order); <c>/help</c> lists them in this order and
    /// <see cref="Interactions.SlashCommands"/> registers them. Every prefix command above has its slash form here.
    /// </summary>
    public static readonly IReadOnlyList<SlashSyntax> Slash =
    [
        RememberValue.Slash,
        Recall.Slash,
        Forget.Slash,
        Search.Slash,
        History.Slash,
        AsOf.Slash,
        Restore.Slash,
        Redact.Slash,
        GiveSparkle.Slash,
        ShowSparkles.Slash,
        .. PlayGame.Slash,
        PlayStatistics.Slash,
        LeaderboardVerb.Slash,
        ServerStats.Slash,
        Privacy.ForgetMe.Slash,
        Privacy.ExportMine.Slash,
        HelpCommand.Slash,
    ];
}
