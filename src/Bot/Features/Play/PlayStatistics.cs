using EventBot.Bot.Chat;
using EventBot.Bot.Parsing;
using EventBot.Bot.Pipeline;
using EventBot.Domain.Play;
using EventBot.Projections.Core;
using EventBot.Projections.Play;
using Mediator;

namespace EventBot.Bot.Features.Play;

/// <summary>
/// <c>.play stats [@user]</c>: plays, wins, losses, draws, current and best streak, per game and in total. Without a
/// user, the server's totals (summed over its players' rows; the best streak is the server's record holder).
/// </summary>
public static class PlayStatistics
{
    public static readonly CommandSyntax Syntax = new(PlayVerb.Verb, "stats",
        [new("play stats [@user]", "plays, wins, losses, draws and streaks (no user: this server)")], Parse)
    {
        Options = [new("user", OptionKind.User, "whose games (this server when left out)", Required: false)],
    };

    public static readonly SlashSyntax Slash = new(PlayVerb.Slash, "stats", "Plays, wins, losses, draws and streaks (no user: this server)",
        [new("user", OptionKind.User, "whose games (this server when left out)", Required: false)],
        input => input.Has("user") && input.User("user") is null
            ? CommandInput.Invalid("I don't know that user here: pick someone in this server.")
            : CommandInput.Request(new Query(input.Chat, input.User("user"))));

    public sealed record Query(ChatMessage Chat, ChatUser? User) : IQuery<Reply>, IGuildScoped;

    public sealed class Handler(ReadModels readModels) : IQueryHandler<Query, Reply>
    {
        public async ValueTask<Reply> Handle(Query query, CancellationToken cancellationToken)
        {
            var guild = query.Chat.Guild!.Value.ToString();
            if (query.User is { } user)
                return OfPlayer(user, PlayRecords.Read(await readModels.GetAsync(PlayRecords.ProjectionName, PlayRecords.RowFor(guild, user.Id.Value), cancellationToken)));
            var rows = await readModels.QueryAsync(PlayRecords.ProjectionName, guild, cancellationToken);
            return OfServer([.. rows.Select(PlayRecords.Read).OfType<PlayerRecord>()]);
        }
    }

    public static Reply OfPlayer(ChatUser user, PlayerRecord? record) =>
        record is null
            ? Reply.Of($"{user.DisplayName} has not played here yet. Try `.play rps rock`.")
            : PlayReplies.Statistics($"🎮 {record.Name}: games", record.Stats, streaks: true, footer: null);

    public static Reply OfServer(IReadOnlyList<PlayerRecord> records)
    {
        if (records.Count == 0) return Reply.Of("Nobody has played here yet. Try `.play rps rock`.");
        var sum = records.Select(r => r.Stats).Aggregate(PlayerStats.Initial, Add);
        var best = records.OrderByDescending(r => r.Stats.Total.BestStreak).ThenBy(r => r.UserId).First();
        var footer = best.Stats.Total.BestStreak > 0 ? $"Best streak: {best.Stats.Total.BestStreak} by {best.Name}" : null;
        return PlayReplies.Statistics($"🎮 This server: games ({records.Count} {(records.Count == 1 ? "player" : "players")})", sum, streaks: false, footer);
    }

    // Streaks do not add up across players; the server view shows counts only.
    private static PlayerStats Add(PlayerStats a, PlayerStats b) =>
        new(Add(a.Total, b.Total), Add(a.Rps, b.Rps), Add(a.Coin, b.Coin), Add(a.Dice, b.Dice));

    private static Tally Add(Tally a, Tally b) =>
        new(a.Plays + b.Plays, a.Wins + b.Wins, a.Losses + b.Losses, a.Draws + b.Draws, 0, Math.Max(a.BestStreak, b.BestStreak));

    private static ParseResult Parse(CommandInput input) => Mentions.Optional(input.Chat, input.Args) switch
    {
        MentionLookup.Found found => CommandInput.Request(new Query(input.Chat, found.User)),
        MentionLookup.NotAMention when input.Args.Length == 0 => CommandInput.Request(new Query(input.Chat, null)),
        _ => CommandInput.Invalid($"I don't know {Md.Code(CommandInput.Clip(input.Args))} here. Usage: `{input.Prefix}play stats [@user]` (no user: this server's totals)."),
    };
}
