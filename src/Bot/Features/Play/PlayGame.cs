using EventBot.Bot.Chat;
using EventBot.Bot.Parsing;
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
    public static readonly CommandSyntax Syntax = new(PlayVerb.Verb, null,
        [
            new("play rps <rock|paper|scissors>", "rock, paper, scissors against the bot"),
            new("play coin <heads|tails>", "call a coin flip"),
            new("play dice [NdM] [target]", "roll dice: reach the target, or beat the bot's roll"),
        ],
        Parse)
    {
        Options =
        [
            new("game", OptionKind.Text, "rps, coin or dice") { Choices = ["rps", "coin", "dice"] },
            new("choice", OptionKind.Text, "your hand, your call, or the dice and a target", Required: false),
        ],
    };

    public sealed record Command(ChatMessage Chat, GameRequest Request) : ICommand<Reply>, IGuildScoped;

    /// <summary>A player's tallies are stored beside their stream: a game loads them, not every game before it.</summary>
    public static readonly StateAccess<PlayerStats, PlayEvent> Access =
        new StateAccess<PlayerStats, PlayEvent>.Unfolded(PlayerStats.Initial, PlayerStats.Evolve, PlayerStats.Unfold);

    public sealed class Handler(AggregateService aggregates, IRandomSource random, TimeProvider time) : ICommandHandler<Command, Reply>
    {
        public async ValueTask<Reply> Handle(Command command, CancellationToken cancellationToken)
        {
            var play = new PlayCommand.Play(command.Chat.Actor, command.Request, GameDraw.Draw(command.Request, random.Next), time.GetUtcNow());
            var outcome = await aggregates.HandleAsync(new StreamName(PlayStream.For(command.Chat.Guild!.Value, command.Chat.Author.Id)), Access,
                (state, _) => PlayDecider.Decide(play, state), command.Chat, cancellationToken);
            return outcome.Match(
                appended: PlayReplies.Played,
                unchanged: _ => Reply.Of("Nothing changed."),
                rejected: r => Reply.Of(Md.Error(r.Reason)),
                alreadyHandled: _ => Reply.Of("Already played (this message was handled before)."));
        }
    }

    private static ParseResult Parse(CommandInput input)
    {
        var request = GameRequest.Parse(input.Args);
        return request.IsValid
            ? CommandInput.Request(new Command(input.Chat, request.Value))
            : CommandInput.Invalid($"{request.Error}. {PlayVerb.Usage(input.Prefix, Words.SplitFirst(input.Args).Word)}");
    }
}
