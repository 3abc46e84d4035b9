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

    /// <summary>One subcommand per game, each with its own typed options; all bind through <see cref="GameRequest"/>.</summary>
    public static readonly IReadOnlyList<SlashSyntax> Slash =
    [
        new(PlayVerb.Slash, "rps", "Rock, paper, scissors against the bot",
            [new("hand", OptionKind.Text, "your hand") { Choices = ["rock", "paper", "scissors"] }],
            input => Bind(input, Game.Rps, input.Text("hand"))),
        new(PlayVerb.Slash, "coin", "Call a coin flip",
            [new("call", OptionKind.Text, "heads or tails") { Choices = ["heads", "tails"] }],
            input => Bind(input, Game.Coin, input.Text("call"))),
        new(PlayVerb.Slash, "dice", "Roll dice: reach the target, or beat the bot's roll",
            [new("dice", OptionKind.Text, "how many dice of how many sides, like 2d6 (1d6 when left out)", Required: false) { MaxLength = 20 },
             new("target", OptionKind.WholeNumber, "the total to reach (none: beat the bot's roll)", Required: false) { MinValue = 2, MaxValue = DiceSpec.MaxCount * DiceSpec.MaxSides }],
            input => Bind(input, Game.Dice, DiceArguments(input))),
    ];

    public sealed record Command(ChatMessage Chat, GameRequest Request) : ICommand<Reply>, IGuildScoped;

    public sealed class Handler(AggregateService aggregates, IRandomSource random, TimeProvider time) : ICommandHandler<Command, Reply>
    {
        public async ValueTask<Reply> Handle(Command command, CancellationToken cancellationToken)
        {
            var play = new PlayCommand.Play(command.Chat.Actor, command.Request, GameDraw.Draw(command.Request, random.Next), time.GetUtcNow());
            var outcome = await aggregates.HandleAsync<PlayerStats, PlayEvent>(
                new StreamName(PlayStream.For(command.Chat.Guild!.Value, command.Chat.Author.Id)), PlayerStats.Initial, PlayerStats.Evolve,
                state => PlayDecider.Decide(play, state), command.Chat, cancellationToken);
            return outcome.Match(
                appended: PlayReplies.Played,
                unchanged: _ => Reply.Of("Nothing changed."),
                rejected: r => Reply.Of(Md.Error(r.Reason)),
                alreadyHandled: _ => Reply.Of("Already played (this message was handled before)."));
        }
    }

    private static ParseResult Bind(SlashInput input, Game game, string? arguments)
    {
        var request = GameRequest.Parse(game, arguments);
        return request.IsValid ? CommandInput.Request(new Command(input.Chat, request.Value)) : CommandInput.Invalid(request.Error!);
    }

    /// <summary>The prefix words the dice options stand for: "2d6 8", "2d6", "1d6 4" (a target alone rolls one die).</summary>
    private static string DiceArguments(SlashInput input)
    {
        var target = input.Number("target")?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var dice = input.Text("dice")?.Trim() ?? (target is null ? "" : DiceSpec.Default.ToString());
        return target is null ? dice : $"{dice} {target}";
    }

    private static ParseResult Parse(CommandInput input)
    {
        var request = GameRequest.Parse(input.Args);
        return request.IsValid
            ? CommandInput.Request(new Command(input.Chat, request.Value))
            : CommandInput.Invalid($"{request.Error}. {PlayVerb.Usage(input.Prefix, Words.SplitFirst(input.Args).Word)}");
    }
}
