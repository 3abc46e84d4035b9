using EventBot.Bot.Chat;
using EventBot.Bot.Pipeline;
using EventBot.Domain.Play;
using EventBot.EventStore;
using Mediator;

namespace EventBot.Bot.Features.Play;

/// <summary>
/// <c>.play rps &lt;rock|paper|scissors&gt;</c>, <c>.play coin &lt;heads|tails&gt;</c>, <c>.play dice [NdM] [target]</c>.
/// The handler draws the outcome from the injected <see cref="IRandomSource"/>; the event stores it, so replays never re-roll.
/// </summary>
public static class PlayGame
{
    public sealed record Command(ChatMessage Chat, GameRequest Request) : ICommand<Reply>, IGuildScoped;

    public sealed class Handler(AggregateService aggregates, PlayConsistency consistency, IRandomSource random, TimeProvider time)
        : ICommandHandler<Command, Reply>
    {
        public async ValueTask<Reply> Handle(Command command, CancellationToken cancellationToken)
        {
            var (guild, player) = (command.Chat.Guild!.Value, command.Chat.Author.Id);
            var drawn = GameDraw.Draw(command.Request, random.Next);
            var play = new PlayCommand.Play(command.Chat.Actor, command.Request, drawn, time.GetUtcNow());
            var outcome = await aggregates.HandleAsync<PlayerStats, PlayEvent>(
                new StreamName(PlayStream.For(guild, player)), PlayerStats.Initial, PlayerStats.Evolve,
                state => PlayDecider.Decide(play, state), command.Chat, cancellationToken);

            return outcome switch
            {
                CommandOutcome<PlayerStats, PlayEvent>.Appended { Events: [PlayEvent.GamePlayed e] } a =>
                    await consistency.AfterWriteAsync(guild, player, e, a.Version, PlayReplies.Played(e, PlayerStats.Evolve(a.Before, e)), cancellationToken),
                CommandOutcome<PlayerStats, PlayEvent>.AlreadyHandled => Reply.Of("Already played (this message was handled before)."),
                CommandOutcome<PlayerStats, PlayEvent>.Rejected r => Reply.Of($"⚠️ {r.Reason}"),
                _ => throw new InvalidOperationException($"Unexpected outcome {outcome}"),
            };
        }
    }
}

/// <summary>How a game reads in chat: what each side showed, who won, and the player's record in that game.</summary>
public static class PlayReplies
{
    public static string Played(PlayEvent.GamePlayed e, PlayerStats after)
    {
        var shown = e.Game switch
        {
            Game.Rps => $"You: {Emoji(e.PlayerChoice)} {e.PlayerChoice} · me: {Emoji(Name(e.BotHand))} {Name(e.BotHand)}",
            Game.Coin => $"You called {e.PlayerChoice} · 🪙 the coin shows {Name(e.Flip)}",
            Game.Dice => Dice(e),
            _ => e.PlayerChoice,
        };
        var verdict = e.Result switch
        {
            GameResult.Win => "you win! 🎉",
            GameResult.Loss => "you lose.",
            _ => "a draw.",
        };
        var tally = after.For(e.Game);
        return $"{shown} → {verdict}\n{GameNames.Of(e.Game)}: {Tally(tally)}";
    }

    public static string Tally(Tally t) =>
        $"{t.Wins} W · {t.Losses} L · {t.Draws} D · streak {t.CurrentStreak} (best {t.BestStreak})";

    private static string Dice(PlayEvent.GamePlayed e)
    {
        var request = (GameRequest.Dice)GameRequest.Parse(Game.Dice, e.PlayerChoice).Value;
        var mine = Rolls(e.Rolls ?? []);
        return request.Target is { } target
            ? $"🎲 {request.Spec}: {mine} (target {target})"
            : $"🎲 {request.Spec}: you {mine} · me {Rolls(e.BotRolls ?? [])}";
    }

    private static string Rolls(int[] rolls) => rolls.Length == 1 ? $"{rolls[0]}" : $"{string.Join(" + ", rolls)} = {rolls.Sum()}";

    private static string Name(Hand? hand) => hand is { } h ? GameNames.Of(h) : "?";

    private static string Name(CoinSide? side) => side is { } s ? GameNames.Of(s) : "?";

    private static string Emoji(string hand) => hand switch { "rock" => "✊", "paper" => "✋", "scissors" => "✌️", _ => "" };
}
