using EventBot.Domain.Common;

namespace EventBot.Domain.Play;

using static PlayEvent;

public abstract record PlayCommand
{
    private PlayCommand() { }

    /// <summary>
    /// <paramref name="Player"/> plays <paramref name="Request"/>; <paramref name="Outcome"/> was drawn by the handler
    /// with <see cref="GameDraw.Draw"/>, and <paramref name="At"/> is the handler's clock.
    /// </summary>
    public sealed record Play(Actor Player, GameRequest Request, GameOutcome Outcome, DateTimeOffset At) : PlayCommand;
}

public static class PlayDecider
{
    /// <summary>The drawn outcome does not belong to the request: a handler bug, never the player's fault.</summary>
    public const string InvalidOutcome = "invalid-outcome";

    public static Decision<PlayEvent> Decide(PlayCommand command, PlayerStats state) => command switch
    {
        PlayCommand.Play play => Play(play),
        _ => throw new InvalidOperationException($"Unhandled command {command.GetType().Name}"),
    };

    // Every game is a new fact, so there is no repeat to ignore; redelivered messages are the store's
    // idempotency key's business.
    private static Decision<PlayEvent> Play(PlayCommand.Play play)
    {
        var result = GameRules.Judge(play.Request, play.Outcome);
        if (!result.IsValid) return Decision<PlayEvent>.Reject(InvalidOutcome, result.Error!);
        var played = new GamePlayed(play.Request.Game, play.Request.Choice, null, null, null, null, result.Value, play.At);
        return Decision<PlayEvent>.Accept(play.Outcome switch
        {
            GameOutcome.Rps o => played with { BotHand = o.BotHand },
            GameOutcome.Coin o => played with { Flip = o.Flip },
            // Copies: the event must not share arrays the handler could still change.
            GameOutcome.Dice o => played with { Rolls = [.. o.Rolls], BotRolls = o.BotRolls is null ? null : [.. o.BotRolls] },
            _ => throw new InvalidOperationException($"Unhandled outcome {play.Outcome.GetType().Name}"),
        });
    }
}
