using System.Globalization;
using EventBot.Bot.Chat;
using EventBot.Bot.Features.Leaderboard;
using EventBot.Bot.Features.Play;
using EventBot.Bot.Features.Sparkle;
using EventBot.Domain.Common;
using EventBot.Domain.Play;
using EventBot.Domain.Sparkle;
using EventBot.Projections.Leaderboards;

namespace EventBot.Bot.Parsing;

/// <summary>Sparkles, games, leaderboards and server stats: the routing and usage replies for that family.</summary>
public sealed partial class CommandParser
{
    private string SparkleUsage => $"Usage: `{prefix}sparkle @user [for <reason>]`";

    private string PlayUsage => $"Usage: `{prefix}play rps <rock|paper|scissors>`, `{prefix}play coin <heads|tails>`, `{prefix}play dice [NdM] [target]` or `{prefix}play stats [@user]`.";

    private string LeaderboardUsage => $"Usage: `{prefix}leaderboard sparkles [week|month|all]` or `{prefix}leaderboard play [rps|coin|dice] [week|month|all]` (`{prefix}lb` for short).";

    private ParseResult ParseSparkle(ChatMessage message, string args)
    {
        if (args.Length == 0) return Invalid($"Who gets the sparkle? {SparkleUsage}");
        var (first, rest) = SplitFirstWord(args);
        var target = FindMention(message, first);
        if (target is MentionLookup.NotAMention) return Invalid($"Mention who gets the sparkle. {SparkleUsage}");
        if (target is MentionLookup.Unknown) return Invalid($"I don't know {Md.Code(Clip(first))} here: mention someone in this server. {SparkleUsage}");

        var (word, afterWord) = SplitFirstWord(rest);
        if (FindMention(message, word) is not MentionLookup.NotAMention) return Invalid($"One person per sparkle. {SparkleUsage}");
        var keyword = word.ToLowerInvariant() is "for" or "because";
        if (keyword && afterWord.Length == 0) return Invalid($"Say why after `{word}`, or leave the reason out. {SparkleUsage}");
        var reason = SparkleReason.Create(keyword ? afterWord : rest);
        if (!reason.IsValid) return Invalid($"⚠️ {Md.Capitalise(reason.Error!)}. {SparkleUsage}");
        return Request(new GiveSparkle.Command(message, ((MentionLookup.Found)target).User, reason.Value));
    }

    private ParseResult ParseShow(ChatMessage message, string args)
    {
        var usage = $"Usage: `{prefix}show sparkles [@user]`";
        var (what, rest) = SplitFirstWord(args);
        if (what.ToLowerInvariant() is not ("sparkles" or "sparkle")) return Invalid(usage);
        return OptionalUser(message, rest) switch
        {
            MentionLookup.Found found => Request(new ShowSparkles.Query(message, found.User)),
            MentionLookup.NotAMention when rest.Length == 0 => Request(new ShowSparkles.Query(message, message.Author)),
            _ => Invalid($"I don't know {Md.Code(Clip(rest))} here. {usage}"),
        };
    }

    private ParseResult ParsePlay(ChatMessage message, string args)
    {
        if (args.Length == 0) return Invalid($"Pick a game. {PlayUsage}");
        var (first, rest) = SplitFirstWord(args);
        if (first.Equals("stats", StringComparison.OrdinalIgnoreCase))
        {
            var usage = $"Usage: `{prefix}play stats [@user]` (no user: this server's totals).";
            return OptionalUser(message, rest) switch
            {
                MentionLookup.Found found => Request(new PlayStatistics.Query(message, found.User)),
                MentionLookup.NotAMention when rest.Length == 0 => Request(new PlayStatistics.Query(message, null)),
                _ => Invalid($"I don't know {Md.Code(Clip(rest))} here. {usage}"),
            };
        }
        var request = GameRequest.Parse(args);
        return request.IsValid
            ? Request(new PlayGame.Command(message, request.Value))
            : Invalid($"⚠️ {Md.Capitalise(request.Error!)}. {PlayUsage}");
    }

    private ParseResult ParseLeaderboard(ChatMessage message, string args)
    {
        var (board, rest) = SplitFirstWord(args);
        var words = rest.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        switch (board.ToLowerInvariant())
        {
            case "sparkles" or "sparkle":
                if (words.Length > 1) return Invalid($"Too many words. {LeaderboardUsage}");
                if (words.Length == 0) return Request(new SparkleLeaderboard.Query(message, BoardWindow.All));
                return BoardWindows.TryParse(words[0], out var window)
                    ? Request(new SparkleLeaderboard.Query(message, window))
                    : Invalid($"`{Clip(words[0])}` is not a window: pick week, month or all. {LeaderboardUsage}");
            case "play" or "games" or "game":
                Game? game = null;
                BoardWindow? chosen = null;
                foreach (var word in words)
                {
                    if (game is null && chosen is null && GameNames.TryGame(word, out var g)) game = g;
                    else if (chosen is null && BoardWindows.TryParse(word, out var w)) chosen = w;
                    else return Invalid($"`{Clip(word)}` is not a game or a window here: games are rps, coin and dice; windows are week, month and all. {LeaderboardUsage}");
                }
                return Request(new PlayLeaderboard.Query(message, game, chosen ?? BoardWindow.All));
            default:
                return Invalid(board.Length == 0 ? $"Which board? {LeaderboardUsage}" : $"There is no `{Clip(board)}` board. {LeaderboardUsage}");
        }
    }

    /// <summary>An optional single mention: nothing typed is <see cref="MentionLookup.NotAMention"/>.</summary>
    private static MentionLookup OptionalUser(ChatMessage message, string rest)
    {
        if (rest.Length == 0) return new MentionLookup.NotAMention();
        var (first, after) = SplitFirstWord(rest);
        return after.Length == 0 ? FindMention(message, first) : new MentionLookup.Unknown();
    }

    /// <summary>
    /// Matches a typed mention to the message's mentioned users: Discord writes <c>&lt;@id&gt;</c> or <c>&lt;@!id&gt;</c>;
    /// the console writes <c>@name</c> (ids derived from names, like the console adapter does).
    /// </summary>
    private static MentionLookup FindMention(ChatMessage message, string token)
    {
        if (token.StartsWith("<@", StringComparison.Ordinal) && token.EndsWith('>'))
        {
            var digits = token[2..^1].TrimStart('!');
            return ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && message.Mentions.FirstOrDefault(u => u.Id.Value == id) is { } byId
                ? new MentionLookup.Found(byId)
                : new MentionLookup.Unknown();
        }
        if (token.StartsWith('@') && token.Length > 1)
        {
            var name = token[1..].TrimEnd('.', ',', '!', '?', ':', ';');
            var user = message.Mentions.FirstOrDefault(u => u.DisplayName.Equals(name, StringComparison.OrdinalIgnoreCase))
                ?? (name.Length == 0 ? null : message.Mentions.FirstOrDefault(u => u.Id == UserId.FromName(name)));
            return user is null ? new MentionLookup.Unknown() : new MentionLookup.Found(user);
        }
        return new MentionLookup.NotAMention();
    }

    private abstract record MentionLookup
    {
        public sealed record Found(ChatUser User) : MentionLookup;

        public sealed record Unknown : MentionLookup;

        public sealed record NotAMention : MentionLookup;
    }
}
