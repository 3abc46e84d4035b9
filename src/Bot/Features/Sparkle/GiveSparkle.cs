using EventBot.Bot.Chat;
using EventBot.Bot.Hosting;
using EventBot.Bot.Parsing;
using EventBot.Bot.Pipeline;
using EventBot.Domain.Sparkle;
using EventBot.EventStore;
using Mediator;
using Microsoft.Extensions.Options;

namespace EventBot.Bot.Features.Sparkle;

/// <summary><c>.sparkle @user [for|because &lt;reason&gt;]</c>: one sparkle to that user in this server.</summary>
public static class GiveSparkle
{
    public static readonly CommandVerb Verb = new("sparkle");

    public static readonly CommandSyntax Syntax = new(Verb, null,
        [new("sparkle @user [for <reason>]", "thank someone with a sparkle (reason optional, up to 100 characters)")], Parse)
    {
        Options = [new("user", OptionKind.User, "who gets the sparkle"), new("reason", OptionKind.Text, "why, up to 100 characters", Required: false)],
    };

    public static readonly SlashSyntax Slash = new(new SlashVerb("sparkle", "Thank someone with a sparkle"), null, "Thank someone with a sparkle",
        [new("user", OptionKind.User, "who gets the sparkle"), new("reason", OptionKind.Text, "why, up to 100 characters", Required: false)], Bind);

    public sealed record Command(ChatMessage Chat, ChatUser Target, SparkleReason? Reason) : ICommand<Reply>, IGuildScoped;

    public sealed class Handler(AggregateService aggregates, TimeProvider time, IOptions<BotOptions> options) : ICommandHandler<Command, Reply>
    {
        public async ValueTask<Reply> Handle(Command command, CancellationToken cancellationToken)
        {
            var target = command.Target;
            var give = new SparkleCommand.Give(command.Chat.Actor, target.Id, target.DisplayName, target.IsBot, command.Reason?.Text,
                time.GetUtcNow(), TimeSpan.FromSeconds(options.Value.SparkleCooldownSeconds));
            var outcome = await aggregates.HandleAsync<Sparkles, SparkleEvent>(
                new StreamName(SparkleStream.For(command.Chat.Guild!.Value, target.Id)), Sparkles.Initial, Sparkles.Evolve,
                state => SparkleDecider.Decide(give, state), command.Chat, cancellationToken);
            return outcome.Match(
                appended: SparkleReplies.Given,
                unchanged: _ => Reply.Of("Nothing changed."),
                rejected: r => Reply.Of(Md.Error(r.Reason)),
                alreadyHandled: _ => Reply.Of("Already sparkled (this message was handled before)."));
        }
    }

    private static ParseResult Bind(SlashInput input)
    {
        if (!input.Has("user")) return SlashInput.Missing("user");
        if (input.User("user") is not { } target) return CommandInput.Invalid("I don't know that user here: pick someone in this server.");
        var reason = SparkleReason.Create(input.Text("reason"));
        return reason.IsValid ? CommandInput.Request(new Command(input.Chat, target, reason.Value)) : CommandInput.Invalid(reason.Error!);
    }

    private static ParseResult Parse(CommandInput input)
    {
        var usage = $"Usage: `{input.Prefix}sparkle @user [for <reason>]`";
        if (input.Args.Length == 0) return CommandInput.Invalid($"Who gets the sparkle? {usage}");
        var (first, rest) = Mentions.SplitFirst(input.Args);
        var target = Mentions.Find(input.Chat, first);
        if (target is MentionLookup.NotAMention) return CommandInput.Invalid($"Mention who gets the sparkle. {usage}");
        if (target is not MentionLookup.Found found) return CommandInput.Invalid($"I don't know {Md.Code(CommandInput.Clip(first))} here: mention someone in this server. {usage}");

        var (word, afterWord) = Words.SplitFirst(rest);
        if (Mentions.Find(input.Chat, word) is not MentionLookup.NotAMention) return CommandInput.Invalid($"One person per sparkle. {usage}");
        var keyword = word.ToLowerInvariant() is "for" or "because";
        if (keyword && afterWord.Length == 0) return CommandInput.Invalid($"Say why after `{word}`, or leave the reason out. {usage}");
        var reason = SparkleReason.Create(keyword ? afterWord : rest);
        return reason.IsValid
            ? CommandInput.Request(new Command(input.Chat, found.User, reason.Value))
            : CommandInput.Invalid($"{reason.Error}. {usage}");
    }
}
